#include "request_frame.h"

#include <gtest/gtest.h>

namespace capplan::server {
namespace {

FrameLimits Small() { return {.max_header_bytes = 1024, .max_header_lines = 8, .max_body_bytes = 100}; }

TEST(FrameRequest, AWholeGetIsCompleteAndTheNextRequestIsLeftAlone) {
  std::string two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n";
  Frame f = FrameRequest(two, Small());
  ASSERT_EQ(f.kind, Frame::Kind::kComplete);
  EXPECT_EQ(two.substr(f.length), "GET /b HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(f.heavy);
}

TEST(FrameRequest, ABodyIsWaitedForToItsContentLength) {
  std::string head = "POST /api/plan HTTP/1.1\r\ncontent-length: 5\r\n\r\n";
  EXPECT_EQ(FrameRequest(head + "{}", Small()).kind, Frame::Kind::kIncomplete);
  Frame f = FrameRequest(head + "{\"a\"}", Small());
  ASSERT_EQ(f.kind, Frame::Kind::kComplete);
  EXPECT_EQ(f.length, head.size() + 5);
  EXPECT_TRUE(f.heavy);
}

// Issue 17: a chunked body skipped the 1 MiB limit (512 MiB answered 200).
TEST(FrameRequest, TransferEncodingIsRefusedWith411) {
  Frame f = FrameRequest("POST /api/model HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", Small());
  EXPECT_EQ(f.kind, Frame::Kind::kRejected);
  EXPECT_EQ(f.status, 411);
}

// Issue 17: 1M header lines were accepted (309 MB RSS). Refused as soon as the count passes, before the end.
TEST(FrameRequest, TooManyHeaderLinesAre431EvenBeforeTheHeadersEnd) {
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 10; ++i) many += "X-A: b\r\n";
  Frame f = FrameRequest(many, Small());
  EXPECT_EQ(f.kind, Frame::Kind::kRejected);
  EXPECT_EQ(f.status, 431);
  EXPECT_EQ(FrameRequest(many + "\r\n", Small()).status, 431);
}

TEST(FrameRequest, HeadersOverTheByteLimitAre431) {
  Frame f = FrameRequest("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a'), Small());
  EXPECT_EQ(f.kind, Frame::Kind::kRejected);
  EXPECT_EQ(f.status, 431);
}

TEST(FrameRequest, ABodyOverTheLimitIs413BeforeItArrives) {
  Frame f = FrameRequest("POST /api/model HTTP/1.1\r\nContent-Length: 101\r\n\r\n", Small());
  EXPECT_EQ(f.status, 413);
  EXPECT_EQ(f.message, "request: body larger than the limit of 100 bytes");
}

TEST(FrameRequest, ConflictingOrMalformedContentLengthIs400) {
  EXPECT_EQ(FrameRequest("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", Small()).status, 400);
  EXPECT_EQ(FrameRequest("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", Small()).status, 400);
  EXPECT_EQ(FrameRequest("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", Small()).status, 400);
  EXPECT_EQ(FrameRequest("\x01\x02 garbage\r\n\r\n", Small()).status, 400);
  EXPECT_EQ(FrameRequest("GET / HTTP/1.1\r\n folded\r\n\r\n", Small()).status, 400);
}

}  // namespace
}  // namespace capplan::server
