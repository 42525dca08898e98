#include <gtest/gtest.h>

#include <sstream>

#include "capplan/sim.h"

namespace capplan {
namespace {

TEST(WriteRequestsCsv, WritesDerivedLatenciesAndLeavesAbsentValuesEmpty) {
  RequestRecord done;
  done.replica = 1;
  done.arrival = Seconds{1};
  done.input_tokens = 10;
  done.output_tokens = 3;
  done.first_scheduled_at = Seconds{1.5};
  done.first_token_at = Seconds{2};
  done.finished_at = Seconds{3};
  done.preemptions = 2;
  RequestRecord waiting;
  waiting.id = 1;
  waiting.arrival = Seconds{4};
  waiting.input_tokens = 5;
  waiting.output_tokens = 1;
  std::ostringstream out;
  WriteRequestsCsv({done, waiting}, out);
  EXPECT_EQ(out.str(),
            "id,replica,arrival_seconds,input_tokens,output_tokens,first_scheduled_seconds,first_token_seconds,"
            "finished_seconds,queueing_delay_seconds,ttft_seconds,tpot_seconds,e2e_seconds,preemptions\n"
            "0,1,1,10,3,1.5,2,3,0.5,1,0.5,2,2\n"
            "1,0,4,5,1,,,,,,,,0\n");
}

TEST(WriteTimeSeriesCsv, OneRowPerPoint) {
  std::ostringstream out;
  WriteTimeSeriesCsv({{Seconds{0.5}, 3, 2, 0.25, 7}}, out);
  EXPECT_EQ(out.str(), "time_seconds,running,waiting,kv_cache_utilization,completed_requests\n0.5,3,2,0.25,7\n");
}

}  // namespace
}  // namespace capplan
