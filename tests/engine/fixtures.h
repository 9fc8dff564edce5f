// Reader for the PyTorch fixtures in tests/fixtures/*.txt, written by
// tests/fixtures/generate.py (run it with Debian's /usr/bin/python3 to regenerate).
//
// Format, line based:
//   case <name>
//   num <key> <value>            a number (int or float)
//   str <key> <value>            a word
//   tensor <key> <rank> <d0> ... then one line with the values
//   end
#pragma once
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace wg::testing {

struct FixtureCase {
  std::string name;
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> words;
  std::map<std::string, Tensor> tensors;

  double num(const std::string& key) const {
    auto it = numbers.find(key);
    WG_CHECK(it != numbers.end(), "fixture ", name, ": no number '", key, "'");
    return it->second;
  }
  const std::string& word(const std::string& key) const {
    auto it = words.find(key);
    WG_CHECK(it != words.end(), "fixture ", name, ": no word '", key, "'");
    return it->second;
  }
  const Tensor& tensor(const std::string& key) const {
    auto it = tensors.find(key);
    WG_CHECK(it != tensors.end(), "fixture ", name, ": no tensor '", key, "'");
    return it->second;
  }
  bool has(const std::string& key) const { return numbers.count(key) || words.count(key) || tensors.count(key); }
};

inline std::string fixture_path(const std::string& file) { return std::string(WG_SOURCE_DIR) + "/tests/fixtures/" + file; }

inline std::vector<FixtureCase> load_fixtures(const std::string& file) {
  std::ifstream in(fixture_path(file));
  WG_CHECK(in.good(), "cannot open fixture file ", fixture_path(file),
           " (regenerate with /usr/bin/python3 tests/fixtures/generate.py)");
  std::vector<FixtureCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind;
    if (!(words >> kind) || kind[0] == '#') continue;
    if (kind == "case") {
      cases.emplace_back();
      words >> cases.back().name;
    } else if (kind == "num") {
      std::string key;
      double value;
      words >> key >> value;
      cases.back().numbers[key] = value;
    } else if (kind == "str") {
      std::string key, value;
      words >> key >> value;
      cases.back().words[key] = value;
    } else if (kind == "tensor") {
      std::string key;
      int rank;
      words >> key >> rank;
      Shape shape(rank);
      for (int& d : shape) words >> d;
      std::string values_line;
      std::getline(in, values_line);
      std::istringstream values(values_line);
      std::vector<float> data(shape_numel(shape));
      for (float& v : data) values >> v;
      WG_CHECK(!values.fail(), "fixture ", cases.back().name, ": tensor ", key, " has too few values");
      cases.back().tensors[key] = Tensor::from(shape, data);
    } else if (kind != "end") {
      fail("fixture file ", file, ": unknown line kind '", kind, "'");
    }
  }
  return cases;
}

}  // namespace wg::testing
