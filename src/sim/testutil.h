// Test helpers of the simulator: step-time fakes whose answers are known by hand.
#pragma once

#include <vector>

#include "capplan/sim.h"
#include "capplan/step_time.h"

namespace capplan::sim {

/// Every step takes the same time, whatever the batch: hand arithmetic becomes step counting.
class ConstantStepTimeModel : public StepTimeModel {
 public:
  explicit ConstantStepTimeModel(Seconds dt) : dt_(dt) {}
  Seconds StepTime(const BatchShape&) const override { return dt_; }

 private:
  Seconds dt_;
};

/// Records every shape it is asked about (for tests of batch formation), answering a constant.
class RecordingStepTimeModel : public StepTimeModel {
 public:
  explicit RecordingStepTimeModel(Seconds dt) : dt_(dt) {}
  Seconds StepTime(const BatchShape& shape) const override {
    shapes.push_back(shape);
    return dt_;
  }
  mutable std::vector<BatchShape> shapes;

 private:
  Seconds dt_;
};

inline std::vector<Request> Fixed(int n, double gap_seconds, int64_t input, int64_t output) {
  std::vector<Request> out;
  for (int i = 0; i < n; ++i) out.push_back({Seconds{i * gap_seconds}, input, output});
  return out;
}

}  // namespace capplan::sim
