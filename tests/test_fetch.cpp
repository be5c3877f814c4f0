// weights/fetch against a local HTTP server on 127.0.0.1 (python3 -m
// http.server on a free port) serving fixtures made here: a good download is
// verified, converted and installed; a corrupted one (SHA-1 mismatch), a
// missing one (HTTP 404) and a bad checksum argument are rejected, leave no
// file at the destination and no scratch directory behind. Offline only.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/test_paths.h"
#include "tests/weights_testing.h"
#include "weights/safetensors.h"

using dream::test::run_shell;
using dream::test::ScratchDir;
using dream::test::ShellResult;

namespace {

std::string quote(const std::string& s) { return "'" + s + "'"; }

// SHA-1 computed with Python's hashlib, independently of the sha1sum the script uses.
std::string sha1_of(const std::string& path) {
  ShellResult s =
      run_shell("python3 -c 'import hashlib,sys; print(hashlib.sha1(open(sys.argv[1],\"rb\").read()).hexdigest())' " +
                quote(path));
  REQUIRE(s.status == 0);
  return s.output.substr(0, 40);
}

// python3 -m http.server bound to 127.0.0.1 on a free port (the OS picks it:
// port 0), stopped by pid when the test ends.
class LocalHttpServer {
 public:
  explicit LocalHttpServer(const std::string& root) : log_(root + "/../server.log") {
    const std::string pid_file = root + "/../server.pid";
    ShellResult s = run_shell("python3 -u -m http.server 0 --bind 127.0.0.1 --directory " + quote(root) + " >" +
                              quote(log_) + " 2>&1 & echo $! >" + quote(pid_file));
    REQUIRE(s.status == 0);
    std::ifstream(pid_file) >> pid_;
    REQUIRE(pid_ > 0);
    // "Serving HTTP on 127.0.0.1 port 43211 (http://127.0.0.1:43211/) ..."
    for (int i = 0; i < 100 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream in(log_);
      std::stringstream text;
      text << in.rdbuf();
      const std::string t = text.str();
      const size_t at = t.find(" port ");
      if (at != std::string::npos) port_ = std::atoi(t.c_str() + at + 6);
    }
    INFO("server log: " << log_);
    REQUIRE(port_ > 0);
  }
  ~LocalHttpServer() {
    if (pid_ > 0) kill(pid_, SIGTERM);
  }
  std::string url(const std::string& file) const { return "http://127.0.0.1:" + std::to_string(port_) + "/" + file; }

 private:
  std::string log_;
  pid_t pid_ = 0;
  int port_ = 0;
};

struct FetchFixture {
  ScratchDir dir;
  std::string serve, dest_dir, dest, caffemodel;

  FetchFixture() {
    serve = dir.file("serve");
    dest_dir = dir.file("cache/dream.cpp");
    dest = dest_dir + "/bvlc_googlenet.safetensors";
    std::filesystem::create_directories(serve);
    caffemodel = dream::test::weights_dir() + "/bvlc_googlenet.caffemodel";
    dream::test::require_path(caffemodel, "the shared bvlc_googlenet weights, see ../shared/weights/README.md");
    const std::string labels = dream::test::weights_dir() + "/synset_words.txt";
    dream::test::require_path(labels, "the shared bvlc_googlenet weights, see ../shared/weights/README.md");
    std::filesystem::copy_file(caffemodel, serve + "/bvlc_googlenet.caffemodel");
    // The label archive in the layout of Caffe's caffe_ilsvrc12.tar.gz.
    REQUIRE(run_shell("tar -czf " + quote(serve + "/caffe_ilsvrc12.tar.gz") + " -C " +
                      quote(dream::test::weights_dir()) + " synset_words.txt")
                .status == 0);
    // One flipped byte in the middle of the weights.
    std::vector<uint8_t> bytes = dream::test::read_bytes(caffemodel);
    bytes[bytes.size() / 2] ^= 0x01;
    dream::test::write_bytes(serve + "/corrupt.caffemodel", bytes);
  }

  ShellResult fetch(const LocalHttpServer& server, const std::string& file, const std::string& sha1,
                    const std::string& extra = "") const {
    const std::string script = dream::test::source_dir() + "/weights/fetch";
    const std::string tool = dream::test::binary_dir() + "/tools/dream-convert";
    dream::test::require_path(tool, "build the dream-convert target");
    return run_shell("no_proxy=127.0.0.1 NO_PROXY=127.0.0.1 bash " + quote(script) + " --url " +
                     quote(server.url(file)) + " --sha1 " + sha1 + " --labels-url " +
                     quote(server.url("caffe_ilsvrc12.tar.gz")) + " --dest " + quote(dest) + " --convert-tool " +
                     quote(tool) + " " + extra);
  }

  bool scratch_left_behind() const {
    if (!std::filesystem::exists(dest_dir)) return false;
    for (const auto& e : std::filesystem::directory_iterator(dest_dir))
      if (e.path().filename().string().rfind(".dream-fetch.", 0) == 0) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("fetch downloads, verifies, converts and installs, and rejects corrupt downloads") {
  FetchFixture fx;
  LocalHttpServer server(fx.serve);
  const std::string good_sha1 = sha1_of(fx.caffemodel);

  SECTION("corrupted download: SHA-1 mismatch, nothing installed") {
    const ShellResult s = fx.fetch(server, "corrupt.caffemodel", good_sha1);
    INFO(s.output);
    CHECK(s.status != 0);
    CHECK(s.output.find("SHA-1 mismatch") != std::string::npos);
    CHECK_FALSE(dream::test::file_exists(fx.dest));
    CHECK_FALSE(fx.scratch_left_behind());
  }
  SECTION("corrupted download keeps an existing installation untouched") {
    std::filesystem::create_directories(fx.dest_dir);
    dream::test::write_text(fx.dest, "old weights");
    const ShellResult s = fx.fetch(server, "corrupt.caffemodel", good_sha1);
    CHECK(s.status != 0);
    const auto kept = dream::test::read_bytes(fx.dest);
    CHECK(std::string(kept.begin(), kept.end()) == "old weights");
  }
  SECTION("missing file on the server: download failed, nothing installed") {
    const ShellResult s = fx.fetch(server, "no-such.caffemodel", good_sha1);
    INFO(s.output);
    CHECK(s.status != 0);
    CHECK(s.output.find("download failed") != std::string::npos);
    CHECK_FALSE(dream::test::file_exists(fx.dest));
    CHECK_FALSE(fx.scratch_left_behind());
  }
  SECTION("malformed --sha1 is refused before downloading") {
    const ShellResult s = fx.fetch(server, "bvlc_googlenet.caffemodel", "1234");
    CHECK(s.status != 0);
    CHECK(s.output.find("40 hex digits") != std::string::npos);
    CHECK_FALSE(dream::test::file_exists(fx.dest));
  }
  SECTION("good download is verified, converted with labels and installed") {
    const ShellResult s = fx.fetch(server, "bvlc_googlenet.caffemodel", good_sha1);
    INFO(s.output);
    REQUIRE(s.status == 0);
    CHECK(s.output.find("installed " + fx.dest) != std::string::npos);
    dream::weights::SafetensorsFile f(fx.dest);
    CHECK(f.entries().size() == 116);
    CHECK(f.metadata_value("network") == "bvlc_googlenet");
    const std::string labels = f.metadata_value("labels");
    CHECK(std::count(labels.begin(), labels.end(), '\n') == 999);
    CHECK_FALSE(fx.scratch_left_behind());
  }
  SECTION("--no-convert installs the verified download byte for byte") {
    const ShellResult s = fx.fetch(server, "bvlc_googlenet.caffemodel", good_sha1, "--no-convert --no-labels");
    INFO(s.output);
    REQUIRE(s.status == 0);
    CHECK(dream::test::read_bytes(fx.dest) == dream::test::read_bytes(fx.caffemodel));
  }
}
