#include "connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace capplan::server {
namespace {

TEST(ConnectionPool, BlockedJobsDoNotHoldUpANewOne) {
  ConnectionPool pool(64);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  for (int i = 0; i < 50; ++i) pool.enqueue([released] { released.wait(); });  // 50 slow clients
  std::promise<void> ran;
  std::future<void> done = ran.get_future();
  pool.enqueue([&ran] { ran.set_value(); });
  EXPECT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(pool.threads(), 51u);
  release.set_value();
  pool.shutdown();
}

TEST(ConnectionPool, NeverStartsMoreThreadsThanTheCapAndRunsEveryJob) {
  std::atomic<int> count = 0;
  {
    ConnectionPool pool(4);
    for (int i = 0; i < 100; ++i) pool.enqueue([&count] { ++count; });
    EXPECT_LE(pool.threads(), 4u);
    pool.shutdown();
  }
  EXPECT_EQ(count.load(), 100);
}

}  // namespace
}  // namespace capplan::server
