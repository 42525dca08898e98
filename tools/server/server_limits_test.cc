// The HTTP limits of issues 16 and 17, spoken in raw HTTP over loopback sockets: each test failed on the
// cpp-httplib-only server (chunked bodies unbounded, any number of headers, Range amplification, SO_REUSEPORT, Nagle,
// a thread per slow client, any Content-Type, any Host, unbounded simulate/plan work).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server.h"

namespace capplan::server {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

struct Reply {
  int status = 0;
  std::string head, body;
};

// Reads `count` responses (Content-Length framed) or until the peer closes or `timeout` passes.
std::vector<Reply> ReadReplies(int fd, size_t count, milliseconds timeout = milliseconds(5000)) {
  std::vector<Reply> out;
  std::string buf;
  auto deadline = Clock::now() + timeout;
  while (out.size() < count) {
    size_t end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      Reply r;
      r.head = buf.substr(0, end);
      r.status = std::stoi(r.head.substr(9, 3));
      std::string lower = r.head;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      size_t cl = lower.find("content-length: ");
      size_t len = cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 16));
      if (buf.size() >= end + 4 + len) {
        r.body = buf.substr(end + 4, len);
        buf.erase(0, end + 4 + len);
        out.push_back(r);
        continue;
      }
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) break;
    char chunk[65536];
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    buf.append(chunk, static_cast<size_t>(n));
  }
  return out;
}

class ServerLimitsTest : public ::testing::Test {
 protected:
  void Start(ServerOptions opt = {}) {
    opt.port = 0;
    server_ = std::make_unique<Server>(opt);
    port_ = server_->Bind().value();
    thread_ = std::thread([this] { server_->Run(); });
  }
  void SetUp() override {
    ServerOptions opt;
    opt.max_body_bytes = 64 * 1024;
    opt.read_timeout = milliseconds(800);
    Start(opt);
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }
  // One request on a fresh connection.
  Reply Ask(const std::string& raw) {
    int fd = Connect(port_);
    EXPECT_TRUE(SendAll(fd, raw));
    auto r = ReadReplies(fd, 1);
    close(fd);
    return r.empty() ? Reply{} : r.front();
  }
  std::string Post(const std::string& path, const std::string& body, const std::string& type = "application/json",
                   const std::string& extra = "") {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type + "\r\n" + extra +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  std::string Get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
  }
  std::string Health() { return Get("/api/health"); }

  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(ServerLimitsTest, AChunkedBodyIsRefusedNotReadWithoutLimit) {
  std::string chunk(32 * 1024, ' ');
  std::string raw =
      "POST /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) raw += "8000\r\n" + chunk + "\r\n";  // 128 KiB, over the 64 KiB limit
  raw += "0\r\n\r\n";
  Reply r = Ask(raw);
  EXPECT_EQ(r.status, 411);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "invalid_argument");
}

TEST_F(ServerLimitsTest, ThousandsOfHeaderLinesAre431) {
  std::string raw = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 2000; ++i) raw += "X-" + std::to_string(i) + ": a\r\n";
  EXPECT_EQ(Ask(raw + "\r\n").status, 431);
}

// One 8 KB request with 2,700 ranges returned 522 MB; Range is now ignored: the file once, 200.
TEST_F(ServerLimitsTest, RangeRequestsGetTheWholeAssetOnce) {
  std::string ranges = "Range: bytes=0-";
  for (int i = 0; i < 500; ++i) ranges += ",0-";
  Reply whole = Ask(Get("/"));
  Reply r = Ask(Get("/", ranges + "\r\n"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, whole.body);
}

TEST_F(ServerLimitsTest, PipelinedRequestsAreAllAnsweredInOrder) {
  int fd = Connect(port_);
  ASSERT_TRUE(SendAll(fd, Health() + Get("/api/nothing") + Health()));
  auto replies = ReadReplies(fd, 3);
  close(fd);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].status, 200);
  EXPECT_EQ(replies[1].status, 404);
  EXPECT_EQ(replies[2].status, 200);
}

// Nagle plus delayed ACK added ~40 ms to every keep-alive request after the first.
TEST_F(ServerLimitsTest, KeepAliveRequestsAreNotDelayedByNagle) {
  int fd = Connect(port_);
  std::vector<double> ms;
  for (int i = 0; i < 12; ++i) {
    auto start = Clock::now();
    ASSERT_TRUE(SendAll(fd, Get("/")));
    ASSERT_EQ(ReadReplies(fd, 1).size(), 1u);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  close(fd);
  EXPECT_EQ(ms.size(), 12u);  // httplib alone closed a keep-alive connection after 5 requests
  std::sort(ms.begin() + 1, ms.end());
  EXPECT_LT(ms[6], 20.0);  // the median after the first
}

TEST_F(ServerLimitsTest, ThreeHundredSlowClientsDoNotBlockANormalRequest) {
  std::vector<int> slow;
  for (int i = 0; i < 300; ++i) {
    int fd = Connect(port_);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, "G"));
    slow.push_back(fd);
  }
  std::this_thread::sleep_for(milliseconds(100));
  auto start = Clock::now();
  Reply r = Ask(Health());
  auto waited = Clock::now() - start;
  for (int fd : slow) close(fd);
  EXPECT_EQ(r.status, 200);
  EXPECT_LT(waited, milliseconds(100));
}

// The read timeout restarted with every byte: a client sending one byte every 100 ms held its connection forever.
TEST_F(ServerLimitsTest, ATricklingClientIsEvictedAtItsRequestDeadlineWith408) {
  int fd = Connect(port_);
  std::string line = "GET /api/health HTTP/1.1\r\nX-Slow: ";
  auto start = Clock::now();
  std::vector<Reply> got;
  for (int i = 0; i < 40 && got.empty(); ++i) {
    if (!SendAll(fd, std::string(1, line[static_cast<size_t>(i) % line.size()]))) break;
    got = ReadReplies(fd, 1, milliseconds(100));
  }
  auto took = Clock::now() - start;
  close(fd);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, 408);
  EXPECT_LT(took, milliseconds(2000));  // the 800 ms deadline of this fixture, checked every 20 ms
}

TEST_F(ServerLimitsTest, BodiesThatAreNotJsonAre415) {
  EXPECT_EQ(Ask(Post("/api/model", R"({"preset": "mixtral-8x7b"})", "text/plain")).status, 415);
  EXPECT_EQ(Ask(Post("/api/model", "preset=x", "application/x-www-form-urlencoded")).status, 415);
  EXPECT_EQ(Ask(Post("/api/model", R"({"preset": "mixtral-8x7b"})", "application/json; charset=utf-8")).status, 200);
}

TEST_F(ServerLimitsTest, AForeignHostOrOriginIs403) {
  std::string body = R"({"preset": "mixtral-8x7b"})";
  std::string rebound =
      "POST /api/model HTTP/1.1\r\nHost: attacker.example:8080\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  EXPECT_EQ(Ask(rebound).status, 403);
  EXPECT_EQ(Ask(Post("/api/model", body, "application/json", "Origin: http://attacker.example\r\n")).status, 403);
  EXPECT_EQ(Ask(Post("/api/model", body, "application/json", "Sec-Fetch-Site: cross-site\r\n")).status, 403);
  EXPECT_EQ(Ask(Post("/api/model", body, "application/json", "Origin: http://127.0.0.1\r\n")).status, 200);
  Reply localhost = Ask("GET /api/health HTTP/1.1\r\nHost: localhost:8080\r\n\r\n");
  EXPECT_EQ(localhost.status, 200);
  EXPECT_EQ(localhost.head.find("Access-Control-Allow"), std::string::npos);
}

TEST_F(ServerLimitsTest, ThePageCarriesSecurityHeadersAndAFavicon) {
  Reply page = Ask(Get("/"));
  EXPECT_NE(page.head.find("X-Content-Type-Options: nosniff"), std::string::npos);
  EXPECT_NE(page.head.find("Content-Security-Policy: default-src 'self'"), std::string::npos);
  EXPECT_NE(page.head.find("X-Frame-Options: DENY"), std::string::npos);
  Reply icon = Ask(Get("/favicon.ico"));
  EXPECT_EQ(icon.status, 200);
  EXPECT_NE(icon.head.find("Content-Type: image/x-icon"), std::string::npos);
  EXPECT_EQ(icon.body.substr(0, 4), std::string("\0\0\1\0", 4));
}

// A ~120 KB body nested 60,000 deep crashed the server (SIGSEGV); it is a 413 and the server answers after it.
TEST_F(ServerLimitsTest, DeeplyNestedJsonIsRefusedAndTheServerLives) {
  std::string deep = "{\"config\": " + std::string(60000, '{') + "}";
  Reply r = Ask(Post("/api/memory", deep));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Ask(Health()).status, 200);
}

// Issue 16: a second `capplan serve` on a port in use started (SO_REUSEPORT) and shared the connections.
TEST_F(ServerLimitsTest, APortInUseIsAnErrorNamingIt) {
  ServerOptions opt;
  opt.port = port_;
  Server second(opt);
  Result<int> bound = second.Bind();
  ASSERT_FALSE(bound.ok());
  EXPECT_NE(bound.error().message.find("cannot listen on 127.0.0.1:" + std::to_string(port_)), std::string::npos);
  EXPECT_NE(bound.error().message.find("in use"), std::string::npos);
}

const char* kHeavySimulate =
    R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "rate": 50, "input": 2000, "output": 2000,
        "requests": 20000})";

TEST(ServerWork, ASimulationOverTheWorkBudgetIs413NamingTheLimit) {
  ServerOptions opt;
  opt.port = 0;
  opt.max_work_cost = 100'000;
  Server s(opt);
  int port = s.Bind().value();
  std::thread t([&s] { s.Run(); });
  int fd = Connect(port);
  std::string body = kHeavySimulate;
  SendAll(fd, "POST /api/simulate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
  auto r = ReadReplies(fd, 1, milliseconds(20000));
  close(fd);
  s.Stop();
  t.join();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 413);
  EXPECT_EQ(nlohmann::json::parse(r[0].body)["error"]["message"],
            "request: more work than the limit of 100000 (engine steps x batch); ask for fewer requests, a lower rate "
            "or fewer finalists");
}

TEST(ServerWork, ASimulationPastItsWallClockCapIsStoppedWhileRunning) {
  ServerOptions opt;
  opt.port = 0;
  opt.heavy_timeout = milliseconds(100);
  Server s(opt);
  int port = s.Bind().value();
  std::thread t([&s] { s.Run(); });
  int fd = Connect(port);
  std::string body = kHeavySimulate;
  auto start = Clock::now();
  SendAll(fd, "POST /api/simulate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
  auto r = ReadReplies(fd, 1, milliseconds(20000));
  auto took = Clock::now() - start;
  close(fd);
  s.Stop();
  t.join();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 503);
  EXPECT_EQ(nlohmann::json::parse(r[0].body)["error"]["message"],
            "request: not answered within its 100 ms wall-clock limit");
  EXPECT_LT(took, milliseconds(1000));
}

std::string SimulatePost(const std::string& body) {
  return "POST /api/simulate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

const char* kSmallSimulate =
    R"({"model": {"preset": "llama-3.1-8b"}, "gpu": "h100", "rate": 5, "input": 100, "output": 10, "requests": 20})";

// Issue 17: a client that disconnected did not stop its work. With one simulate worker, a heavy simulation whose
// client left must free it: the next request is answered at once, not after the 20 s the first could run.
TEST(ServerWork, AClientThatLeavesStopsItsSimulation) {
  ServerOptions opt;
  opt.port = 0;
  opt.heavy_threads = 1;
  opt.heavy_timeout = milliseconds(20000);
  Server s(opt);
  int port = s.Bind().value();
  std::thread t([&s] { s.Run(); });
  int gone = Connect(port);
  SendAll(gone, SimulatePost(kHeavySimulate));
  std::this_thread::sleep_for(milliseconds(300));  // running on the only worker
  close(gone);
  auto start = Clock::now();
  int fd = Connect(port);
  SendAll(fd, SimulatePost(kSmallSimulate));
  auto r = ReadReplies(fd, 1, milliseconds(30000));
  auto took = Clock::now() - start;
  close(fd);
  s.Stop();
  t.join();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 200);
  EXPECT_LT(took, milliseconds(3000));
}

TEST(ServerWork, SimulationsBeyondTheQueueAre503AtOnce) {
  ServerOptions opt;
  opt.port = 0;
  opt.heavy_threads = 1;
  opt.heavy_queue = 1;
  opt.heavy_timeout = milliseconds(3000);
  Server s(opt);
  int port = s.Bind().value();
  std::thread t([&s] { s.Run(); });
  int first = Connect(port);
  SendAll(first, SimulatePost(kHeavySimulate));
  std::this_thread::sleep_for(milliseconds(200));
  int second = Connect(port);
  auto start = Clock::now();
  SendAll(second, SimulatePost(kSmallSimulate));
  auto r = ReadReplies(second, 1, milliseconds(10000));
  auto took = Clock::now() - start;
  close(second);
  close(first);
  s.Stop();
  t.join();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 503);
  EXPECT_LT(took, milliseconds(500));
}

}  // namespace
}  // namespace capplan::server
