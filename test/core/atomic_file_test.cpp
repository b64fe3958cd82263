#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "scc/atomic_file.hpp"
#include "support/support.hpp"

using namespace scc;
namespace fs = std::filesystem;

namespace {

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777u;
}

}  // namespace

TEST_CASE("writes the whole content with the given mode and leaves no temporary file") {
  test::TempDir dir;
  auto path = dir.path() / "out.json";
  std::string big(1 << 20, 'x');
  CHECK(write_file_atomically(path, big).empty());
  CHECK(test::read_file(path) == big);
  CHECK(mode_of(path) == 0644u);
  CHECK(entries(dir.path()) == 1);

  CHECK(write_file_atomically(path, "second\n", 0600).empty());
  CHECK(test::read_file(path) == "second\n");
  CHECK(mode_of(path) == 0600u);
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("a symlink at the path is replaced - its target left alone") {
  test::TempDir dir;
  auto target = dir.write("target", "original");
  auto link = dir.path() / "link";
  fs::create_symlink(target, link);
  CHECK(write_file_atomically(link, "new").empty());
  CHECK(test::read_file(target) == "original");
  CHECK_FALSE(fs::is_symlink(link));
  CHECK(test::read_file(link) == "new");
}

TEST_CASE("a missing directory is an output-unwritable error and creates nothing") {
  test::TempDir dir;
  auto d = write_file_atomically(dir.path() / "no" / "out.json", "x");
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].code == Code::OutputUnwritable);
  CHECK(d.items()[0].message.find("No such file or directory") != std::string::npos);
  CHECK(entries(dir.path()) == 0);
}

TEST_CASE("renaming over a directory fails - removes the temporary file and keeps the directory") {
  test::TempDir dir;
  fs::create_directory(dir.path() / "sub");
  auto d = write_file_atomically(dir.path() / "sub", "x");
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].code == Code::OutputUnwritable);
  CHECK(d.items()[0].message.find(": rename: ") != std::string::npos);
  CHECK(entries(dir.path()) == 1);
  CHECK(fs::is_directory(dir.path() / "sub"));
}

TEST_CASE("a path without a file name is refused") {
  test::TempDir dir;
  auto d = write_file_atomically(dir.path().string() + "/", "x");
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].code == Code::OutputUnwritable);
  CHECK(entries(dir.path()) == 0);
}

TEST_CASE("a FIFO or device at the path is refused and left as it is") {
  test::TempDir dir;
  const fs::path fifo = dir.path() / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto d = write_file_atomically(fifo, "x");
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].code == Code::OutputUnwritable);
  CHECK(d.items()[0].message == "cannot write " + fifo.string() +
                                    ": it is a device, FIFO or socket, not a file (write to standard output "
                                    "instead): Invalid argument");
  CHECK(fs::is_fifo(fifo));
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("temporary names of dead writers are swept by the next write - live and young ones stay") {
  test::TempDir dir;
  auto path = dir.path() / "config.json";
  dir.write("config.json", "old");
  // pid 1 runs; a pid above pid_max never does.
  dir.write(".config.json.tmp-1-aaaaaa", "live writer");
  dir.write(".config.json.tmp-99999999-bbbbbb", "dead writer");
  dir.write(".config.json.tmp-Xy12Zq", "unowned, young");
  auto old = dir.write(".config.json.tmp-Ab34Cd", "unowned, old");
  fs::last_write_time(old, fs::file_time_type::clock::now() - std::chrono::minutes(2));
  dir.write(".other.json.tmp-99999999-cccccc", "another file's");
  CHECK(write_file_atomically(path, "new\n", 0644, Durability::Atomic).empty());
  CHECK(test::read_file(path) == "new\n");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{".config.json.tmp-1-aaaaaa", ".config.json.tmp-Xy12Zq",
                                          ".other.json.tmp-99999999-cccccc", "config.json"});
}

TEST_CASE("an atomic-only write replaces a file and a symlink like a durable one") {
  test::TempDir dir;
  auto path = dir.path() / "out.json";
  CHECK(write_file_atomically(path, "one", 0600, Durability::Atomic).empty());
  CHECK(test::read_file(path) == "one");
  CHECK(mode_of(path) == 0600u);
  CHECK(write_file_atomically(path, "two", 0640, Durability::Atomic).empty());
  CHECK(test::read_file(path) == "two");
  CHECK(mode_of(path) == 0640u);
  auto target = dir.write("target", "original");
  fs::create_symlink(target, dir.path() / "link");
  CHECK(write_file_atomically(dir.path() / "link", "new", 0644, Durability::Atomic).empty());
  CHECK(test::read_file(target) == "original");
  CHECK(test::read_file(dir.path() / "link") == "new");
  CHECK(entries(dir.path()) == 3);
}
