#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

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
