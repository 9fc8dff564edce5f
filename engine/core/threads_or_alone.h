// Whether the thread pool (core/parallel.cpp) runs a parallel_for on its threads or on the caller
// alone, chosen by timing both. Pure bookkeeping: the pool passes in the times, so the decisions
// can be tested with made-up ones (tests/engine/core_test.cpp).
//
// Two threads pay on an idle machine. On a busy one (a video call, a build, another tab), a worker
// that the OS takes off its core in the middle of a chunk holds the whole run up until it gets a
// core back, a time slice of ~1-4 ms against runs of 20-2000 µs; and a worker that spins between
// runs takes time from the thread that has the work. With one core kept busy by another process,
// the MLP ran at 0.10x of one thread and the CNN at 0.72x. The pool cannot know in advance which
// machine it is on, so it keeps an A/B test going. Every call site (the body's type and the
// range's size: the same op of the same layer, step after step) has a mean wall time on the
// threads and one on the caller alone (the pool counts a run's time up to the next run's start,
// so that the serial work that the workers' spinning slows down counts too). The pool runs in one mode (the steady one) and now and then
// runs a short probe window in the other, comparing each probe run with the steady mode's recent
// mean for its site; it switches when two probes in a row found the other mode faster over the
// call sites they ran (the machine's load changes from moment to moment: one probe can be a fluke).
// Probes come back soon after a switch and less often while the choice holds (every kMaxInterval
// at most), so a probe in the bad mode costs a few percent at most; a threads probe that has
// already lost kAbortLoss ends at once.
//
// The choice changes only who runs which chunk, never how the work is split (kernels split for the
// thread count that is set), so results are the same bits in either mode.
#pragma once
#include <algorithm>
#include <cstdint>

namespace wg {

class ThreadsOrAlone {
 public:
  // Threads must beat the caller alone by this factor: the per-run timing does not see what the
  // workers' spinning and wake-ups cost the serial parts of a step.
  static constexpr double kMargin = 0.9;
  static constexpr double kProbeSeconds = 0.04;  // run time in one probe window
  static constexpr double kAbortLoss = 0.005;    // a threads probe this much slower ends early
  static constexpr double kMinInterval = 0.1, kMaxInterval = 2.0;  // seconds between probes
  static constexpr double kHistorySeconds = 0.1;  // steady run time after which its sums halve

  // Whether the run starting at `now` (seconds, any steady clock) goes to the threads.
  bool use_threads(double now) {
    if (next_probe_ < 0) next_probe_ = now + kMinInterval;
    if (!probing_ && now >= next_probe_) start_probe();
    return probing_ ? !threads_ : threads_;
  }

  // A run of call site (site, size), started after use_threads said `on_threads`, took `seconds`
  // and ended at `now`.
  void record(const void* site, std::int64_t size, bool on_threads, double seconds, double now) {
    Site* s = find(site, size);
    if (!s) return;
    const int mode = on_threads ? 1 : 0;
    s->sum[mode] += seconds;
    s->count[mode] += 1;
    if (!probing_) {
      steady_seconds_ += seconds;
      if (steady_seconds_ > kHistorySeconds) {  // recent runs count most: the machine's load changes
        for (Site& t : sites_) {
          t.sum[mode] *= 0.5;
          t.count[mode] *= 0.5;
        }
        steady_seconds_ *= 0.5;
      }
      return;
    }
    probe_seconds_ += seconds;
    const int steady = 1 - mode;
    if (s->count[steady] > 0) {
      probe_compared_ += seconds;
      probe_steady_equivalent_ += s->sum[steady] / s->count[steady];
    }
    const bool threads_lost = on_threads && probe_compared_ - probe_steady_equivalent_ > kAbortLoss;
    if (threads_lost || probe_seconds_ >= kProbeSeconds) end_probe(now);
  }

  bool threads() const { return threads_; }    // the steady mode
  bool probing() const { return probing_; }
  double next_probe() const { return next_probe_; }

 private:
  struct Site {
    const void* site = nullptr;
    std::int64_t size = 0;
    double sum[2] = {0, 0};    // seconds on the caller alone [0] and on the threads [1]
    double count[2] = {0, 0};  // runs (halved with the sums)
  };
  static constexpr int kSites = 64;  // a training step has a few dozen call sites

  Site* find(const void* site, std::int64_t size) {
    const std::size_t h = (reinterpret_cast<std::uintptr_t>(site) >> 4) * 31 + static_cast<std::size_t>(size);
    for (int i = 0; i < kSites; ++i) {
      Site& s = sites_[(h + static_cast<std::size_t>(i)) % kSites];
      if (s.site == site && s.size == size) return &s;
      if (!s.site) {
        s.site = site;
        s.size = size;
        return &s;
      }
    }
    return nullptr;  // full: this site takes no part in the choice
  }

  void clear(int mode) {
    for (Site& s : sites_) s.sum[mode] = s.count[mode] = 0;
  }

  void start_probe() {
    probing_ = true;
    probe_seconds_ = probe_compared_ = probe_steady_equivalent_ = 0;
    clear(threads_ ? 0 : 1);  // the probe mode's sums: from this probe only
  }

  void end_probe(double now) {
    probing_ = false;
    // A probe decides only if most of its time ran at sites the steady mode has a mean for.
    if (probe_compared_ > 0 && probe_compared_ >= 0.5 * probe_seconds_) {
      const double on_threads = threads_ ? probe_steady_equivalent_ : probe_compared_;
      const double alone = threads_ ? probe_compared_ : probe_steady_equivalent_;
      const bool threads = on_threads < kMargin * alone;
      if (threads == threads_) {
        confirming_ = false;
        interval_ = std::min(interval_ * 2, kMaxInterval);
      } else if (!confirming_) {  // one probe can be a fluke of the machine's load: ask again soon
        confirming_ = true;
        interval_ = kMinInterval;
      } else {
        confirming_ = false;
        // The probe's sums are the new steady mode's; the old one's are stale from now on.
        clear(threads_ ? 1 : 0);
        threads_ = threads;
        steady_seconds_ = 0;
        interval_ = kMinInterval;
      }
    } else {
      interval_ = kMinInterval;
    }
    next_probe_ = now + interval_;
  }

  Site sites_[kSites];
  bool threads_ = true;   // the steady mode: threads, or the caller alone
  bool probing_ = false;  // running the other mode for a probe window
  bool confirming_ = false;  // the last probe favoured the other mode: the next one must too
  double next_probe_ = -1, interval_ = kMinInterval;
  double steady_seconds_ = 0;
  double probe_seconds_ = 0, probe_compared_ = 0, probe_steady_equivalent_ = 0;
};

}  // namespace wg
