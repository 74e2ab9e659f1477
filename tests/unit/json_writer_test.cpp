// report::JsonWriter against nlohmann::ordered_json's dump() of the same document: the writer
// promises the same bytes, numbers aside (those print as Python's repr; number_text_test checks
// the digits, this file that they read back and that the layout around them matches).
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/json_writer.hpp"

namespace {

using qsweep::report::JsonWriter;
using json = nlohmann::ordered_json;

const std::vector<double> kDoubles = {0.0,
                                      -0.0,
                                      1.0,
                                      -1.0,
                                      0.1,
                                      1.0 / 3.0,
                                      252.0,
                                      1000000.0,
                                      997732.7366939035,
                                      1e-5,
                                      0.000123,
                                      1.5e-7,
                                      1e15,
                                      1e16,
                                      1.2345e17,
                                      1e21,
                                      -2.5e-300,
                                      5e-324,
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::min()};

TEST(JsonWriter, DoublesPrintAsJsonNumbersThatReadBack) {
  for (const double v : kDoubles) {
    JsonWriter w;
    w.value(v);
    const std::string text = w.take();
    std::string expected;
    qsweep::report::append_json_number(expected, v);
    EXPECT_EQ(text, expected) << v;
    const json parsed = json::parse(text);
    ASSERT_TRUE(parsed.is_number_float()) << text;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(parsed.get<double>()), std::bit_cast<std::uint64_t>(v)) << text;
  }
}

TEST(JsonWriter, NonFiniteAndMissingValuesAreNull) {
  JsonWriter w;
  w.begin_array();
  w.value(std::numeric_limits<double>::quiet_NaN());
  w.value(std::numeric_limits<double>::infinity());
  w.value(-std::numeric_limits<double>::infinity());
  w.value(std::optional<double>());
  w.value(std::optional<double>(2.5));
  w.null();
  w.end_array();
  EXPECT_EQ(w.take(), "[null,null,null,null,2.5,null]");
}

TEST(JsonWriter, IntegersAndStringsPrintAsNlohmannDoes) {
  const std::vector<std::string> strings = {"", "plain", "quote \" and \\ backslash", "tab\tnew\nline\r",
                                            std::string("nul\0byte", 8), "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac"};
  JsonWriter w;
  json expected = json::array();
  w.begin_array();
  for (const std::int64_t i : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1128038400000},
                               std::numeric_limits<std::int64_t>::min()}) {
    w.value(i);
    expected.push_back(i);
  }
  w.value(std::numeric_limits<std::size_t>::max());
  expected.push_back(std::numeric_limits<std::size_t>::max());
  for (const std::string& s : strings) {
    w.value(s);
    expected.push_back(s);
  }
  w.end_array();
  EXPECT_EQ(w.take(), expected.dump());
}

TEST(JsonWriter, InvalidUtf8ThrowsAsNlohmannDoes) {
  JsonWriter w;
  EXPECT_THROW(w.value(std::string("bad \xff byte")), json::type_error);
}

// A nested document with empty containers, written by both.
void write_document(JsonWriter& w) {
  w.begin_object();
  w.key("name");
  w.value("sixty_forty");
  w.key("points");
  w.value(std::size_t{3980});
  w.key("empty_object");
  w.begin_object();
  w.end_object();
  w.key("empty_array");
  w.begin_array();
  w.end_array();
  w.key("series");
  w.begin_array();
  for (int i = 0; i < 3; ++i) {
    w.begin_array();
    w.value(std::int64_t{1128038400000} + i * 86'400'000LL);
    w.value(0.5 * i);
    w.end_array();
  }
  w.end_array();
  w.key("nested");
  w.begin_object();
  w.key("list");
  w.begin_array();
  w.begin_object();
  w.key("year");
  w.value(2005);
  w.key("return");
  w.null();
  w.end_object();
  w.end_array();
  w.key("raw");
  w.values(1, 8, [](char* out, std::size_t) {
    std::memcpy(out, "-0.5", 4);
    return out + 4;
  });
  w.end_object();
  w.end_object();
}

json expected_document() {
  json doc;
  doc["name"] = "sixty_forty";
  doc["points"] = std::size_t{3980};
  doc["empty_object"] = json::object();
  doc["empty_array"] = json::array();
  json series = json::array();
  for (int i = 0; i < 3; ++i) series.push_back({std::int64_t{1128038400000} + i * 86'400'000LL, 0.5 * i});
  doc["series"] = series;
  doc["nested"]["list"] = json::array({{{"year", 2005}, {"return", nullptr}}});
  doc["nested"]["raw"] = -0.5;
  return doc;
}

TEST(JsonWriter, CompactDocumentMatchesDump) {
  JsonWriter w;
  write_document(w);
  EXPECT_EQ(w.take(), expected_document().dump());
}

// Writes "[i,0.5]" for value i.
char* pair_text(char* out, std::size_t i) {
  const std::string text = fmt::format("[{},0.5]", i);
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

TEST(JsonWriter, ValuesAreAppendedVerbatimInOrder) {
  // More values than one batch of the writer's buffer, streamed in small pieces, and in an
  // indented document (scalars, a line each).
  json expected = json::array();
  for (std::size_t i = 0; i < 1000; ++i) expected.push_back({i, 0.5});
  JsonWriter compact;
  compact.begin_array();
  compact.values(1000, 24, pair_text);
  compact.end_array();
  EXPECT_EQ(compact.take(), expected.dump());

  std::string streamed;
  JsonWriter pieces;
  pieces.stream_to([&](std::string_view piece) { streamed.append(piece); }, 64);
  pieces.begin_object();
  pieces.key("pairs");
  pieces.begin_array();
  pieces.values(1000, 24, pair_text);
  pieces.end_array();
  pieces.end_object();
  pieces.finish();
  EXPECT_EQ(streamed, json({{"pairs", expected}}).dump());

  JsonWriter indented(2);
  indented.begin_array();
  indented.values(3, 4, [](char* out, std::size_t i) {
    *out = static_cast<char>('0' + i);
    return out + 1;
  });
  indented.end_array();
  EXPECT_EQ(indented.take(), json::array({0, 1, 2}).dump(2));
}

TEST(JsonWriter, IndentedDocumentMatchesDumpWithIndent) {
  for (const int indent : {0, 1, 4}) {
    JsonWriter w(indent);
    write_document(w);
    EXPECT_EQ(w.take("\n"), expected_document().dump(indent) + "\n") << indent;
  }
}

}  // namespace
