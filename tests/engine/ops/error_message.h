// Test helper: the message of the wg::Error a call throws, so op tests can check that an
// error names the op and the offending shapes. Fails the test when nothing is thrown.
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace wg::testing {

inline std::string error_message(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a wg::Error, nothing was thrown";
  return "";
}

// Every fragment must appear in the message of the error `call` throws.
inline void expect_error_mentions(const std::function<void()>& call, const std::vector<std::string>& fragments) {
  const std::string message = error_message(call);
  for (const std::string& f : fragments)
    EXPECT_NE(message.find(f), std::string::npos) << "error message \"" << message << "\" lacks \"" << f << "\"";
}

}  // namespace wg::testing
