// The sweep report (write_sweep_report) on small hand-written sweep folders: every panel,
// overfitting warnings and n/a reasons, heatmap cell means, escaping, degenerate grids
// (one dimension, two variants, undefined statistics), errors naming the file, and
// deterministic bytes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qsweep/date.hpp"
#include "qsweep/error.hpp"
#include "qsweep/report.hpp"
#include "report/sweep_report.hpp"
#include "test_support.hpp"

namespace qsweep::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kPanelIds = {"panel-title",   "panel-overfitting", "panel-ranking",
                                            "panel-heatmap", "panel-sensitivity", "panel-distribution",
                                            "panel-equity"};

const std::string kStatColumns =
    "total_return,cagr,sharpe,sortino,annual_volatility,max_drawdown,max_drawdown_duration,calmar,final_"
    "equity,fills";

// One variant of a hand-written sweep: its id, its parameter cells in results.csv and its Sharpe
// ratio ("" = undefined). The other statistics are fixed.
struct Variant {
  int id;
  std::string params;  // comma-separated results.csv cells of the swept parameters
  std::string sharpe;
};

struct Folder {
  json grid = json::array();  // manifest "grid"
  std::vector<Variant> variants;
  json overfitting;
  json heatmap;  // manifest "heatmap" (null: absent)
  int best_id = 0;
  int median_id = 0;
};

// The overfitting section of a sweep with defined DSR and PBO and no warnings.
json quiet_overfitting(int trials) {
  return json{
      {"trials", trials},
      {"deflated_sharpe",
       {{"value", 0.97},
        {"expected_max_sharpe_per_period", 0.02},
        {"selected_sharpe_per_period", 0.05},
        {"selected_skewness", -0.5},
        {"selected_kurtosis", 6.0},
        {"observations", 1000}}},
      {"pbo",
       {{"value", 0.25}, {"partitions", 16}, {"combinations", 12870}, {"logits", {-1.0, 0.5, 1.5, 2.0}}}},
      {"warnings", json::array()}};
}

// Writes manifest.json, results.csv, curves.csv and sweep_summary.json of `f` into `dir`.
fs::path write_folder(const fs::path& dir, const Folder& f) {
  fs::create_directories(dir);
  json manifest{{"qsweep_version", "0.1.0"},
                {"config", "tiny.toml"},
                {"base_config", "[strategy]\nkind = 'momentum'\n[backtest]\nmode = 'strict'\n"},
                {"grid", f.grid},
                {"rank_by", "sharpe"},
                {"skipped_variants", json::array()}};
  if (!f.heatmap.is_null()) manifest["heatmap"] = f.heatmap;
  write_text(dir / "manifest.json", manifest.dump(1));

  std::string results = "id,hash";
  for (const json& d : f.grid) results += "," + d["key"].get<std::string>();
  results += "," + kStatColumns + "\n";
  for (const Variant& v : f.variants) {
    results += std::to_string(v.id) + ",00000000000000" + (v.id < 10 ? "0" : "") + std::to_string(v.id) +
               "," + v.params + ",0.1234,0.05," + v.sharpe + ",1.5,0.12,0.25,30,0.2,1123400,42\n";
  }
  write_text(dir / "results.csv", results);
  write_text(dir / "curves.csv", "date,v" + std::to_string(f.best_id) +
                                     (f.median_id != f.best_id ? ",v" + std::to_string(f.median_id) : "") +
                                     "\n2020-01-02,100" + (f.median_id != f.best_id ? ",100" : "") +
                                     "\n2020-01-03,110" + (f.median_id != f.best_id ? ",101" : "") +
                                     "\n2020-01-06,121" + (f.median_id != f.best_id ? "," : "") + "\n");

  json ranking = json::array();
  json summary{{"rank_by", "sharpe"},
               {"higher_is_better", true},
               {"variants", f.variants.size()},
               {"best_id", f.best_id},
               {"median_id", f.median_id},
               {"curve_ids", f.median_id != f.best_id ? json{f.best_id, f.median_id} : json{f.best_id}},
               {"overfitting", f.overfitting}};
  int rank = 1;
  for (const Variant& v : f.variants) {
    json params = json::object();
    for (std::size_t d = 0; d < f.grid.size(); ++d) {
      // The TOML text of the variant's value (ids are mixed-radix, last dimension fastest).
      int rest = v.id;
      for (std::size_t e = f.grid.size(); e-- > d + 1;) rest /= static_cast<int>(f.grid[e]["values"].size());
      params[f.grid[d]["key"].get<std::string>()] =
          f.grid[d]["values"][static_cast<std::size_t>(rest) % f.grid[d]["values"].size()];
    }
    json entry{{"rank", rank++},
               {"id", v.id},
               {"hash", "0"},
               {"params", params},
               {"total_return", 0.1234},
               {"cagr", 0.05},
               {"sortino", 1.5},
               {"annual_volatility", 0.12},
               {"max_drawdown", 0.25},
               {"max_drawdown_duration", 30},
               {"calmar", 0.2},
               {"final_equity", 1123400},
               {"fills", 42}};
    entry["sharpe"] = v.sharpe.empty() ? json(nullptr) : json(std::stod(v.sharpe));
    ranking.push_back(entry);
  }
  summary["ranking"] = ranking;
  write_text(dir / "sweep_summary.json", summary.dump(1));
  return dir;
}

// A 2 × 2 × 2 grid: a.x in {1, 2}, b.y in {"lo", "hi"}, c.z in {10, 20}; id = (ia·2 + ib)·2 + ic.
Folder three_dimensions() {
  Folder f;
  f.grid = json::array({json{{"key", "a.x"}, {"values", {"1", "2"}}},
                        json{{"key", "b.y"}, {"values", {"\"lo\"", "\"hi\""}}},
                        json{{"key", "c.z"}, {"values", {"10", "20"}}}});
  f.variants = {{0, "1,lo,10", "0.1"}, {1, "1,lo,20", "0.3"}, {2, "1,hi,10", "0.5"}, {3, "1,hi,20", "0.7"},
                {4, "2,lo,10", "0.2"}, {5, "2,lo,20", "0.4"}, {6, "2,hi,10", "1.0"}, {7, "2,hi,20", "-0.2"}};
  f.overfitting = quiet_overfitting(8);
  f.best_id = 6;
  f.median_id = 1;
  return f;
}

class SweepReport : public ::testing::Test {
 protected:
  void SetUp() override { work_ = fresh_temp_dir("sweep-report"); }
  void TearDown() override { fs::remove_all(work_); }
  fs::path folder(const std::string& name, const Folder& f) { return write_folder(work_ / name, f); }
  fs::path work_;
};

std::string render(const fs::path& dir) {
  write_sweep_report(dir);
  return slurp(dir / "report.html");
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The HTML of the <section> with id `id`.
std::string section(const std::string& html, const std::string& id) {
  const std::size_t at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</section>", at) - at);
}

TEST_F(SweepReport, HasEveryPanelAndTheTitle) {
  const std::string html = render(folder("sweep-report-panels", three_dimensions()));
  for (const std::string& id : kPanelIds) EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;
  EXPECT_NE(html.find("<h1>tiny</h1>"), std::string::npos);
  EXPECT_NE(html.find("Period <b>2020-01-02 to 2020-01-06</b>"), std::string::npos);
  EXPECT_NE(html.find("Variants <b>8</b>"), std::string::npos);
  EXPECT_NE(html.find("Ranked by <b>Sharpe ratio</b>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // No network: the only URL is the SVG namespace.
  EXPECT_EQ(count(html, "http"), count(html, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("NaN"), std::string::npos);
  EXPECT_EQ(html.find(">nan"), std::string::npos);
  EXPECT_EQ(html.find(">inf"), std::string::npos);
}

TEST_F(SweepReport, HeatmapCellsAreMeansOverTheOtherDimensions) {
  Folder f = three_dimensions();
  f.heatmap = {"a.x", "c.z"};
  const std::string heat = section(render(folder("sweep-report-heatmap", f)), "panel-heatmap");
  // Rows a.x, columns c.z; each cell the mean over b.y of two variants (values by hand):
  // (1,10): (0.1 + 0.5) / 2; (1,20): (0.3 + 0.7) / 2; (2,10): (0.2 + 1.0) / 2; (2,20): (0.4 - 0.2) / 2.
  EXPECT_NE(heat.find("Rows <b>a.x</b>"), std::string::npos) << heat;
  EXPECT_NE(heat.find("Columns <b>c.z</b>"), std::string::npos);
  EXPECT_NE(heat.find("<title>1 10: 0.30</title>"), std::string::npos) << heat;
  EXPECT_NE(heat.find("<title>1 20: 0.50</title>"), std::string::npos);
  EXPECT_NE(heat.find("<title>2 10: 0.60</title>"), std::string::npos);
  EXPECT_NE(heat.find("<title>2 20: 0.10</title>"), std::string::npos);
  EXPECT_NE(heat.find("<b>mean</b>"), std::string::npos);
  EXPECT_NE(heat.find("b.y"), std::string::npos);  // named as the dimension averaged over
}

TEST_F(SweepReport, UndefinedStatisticsAreSkippedAndCounted) {
  Folder f = three_dimensions();
  f.heatmap = {"a.x", "c.z"};
  f.variants[7].sharpe = "";  // (2, hi, 20): the (2,20) cell is then variant 5 alone
  const std::string html = render(folder("sweep-report-null", f));
  const std::string heat = section(html, "panel-heatmap");
  EXPECT_NE(heat.find("<title>2 20: 0.40</title>"), std::string::npos) << heat;
  EXPECT_NE(heat.find("1 variant with undefined Sharpe ratio left out"), std::string::npos) << heat;
  EXPECT_NE(section(html, "panel-distribution").find("1 variant with undefined Sharpe ratio not shown"),
            std::string::npos);
  EXPECT_NE(section(html, "panel-ranking").find("<td class=\"key na\">n/a</td>"), std::string::npos);
}

TEST_F(SweepReport, HeatmapAxesDefaultToTheTwoDimensionsWithMostValues) {
  Folder f;
  f.grid = json::array({json{{"key", "a.x"}, {"values", {"1", "2", "3"}}},
                        json{{"key", "b.y"}, {"values", {"true", "false"}}},
                        json{{"key", "c.z"}, {"values", {"0.5", "0.25", "1.0", "2.0"}}}});
  int id = 0;
  for (const char* x : {"1", "2", "3"})
    for (const char* y : {"true", "false"})
      for (const char* z : {"0.5", "0.25", "1.0", "2.0"}) {
        f.variants.push_back({id, std::string(x) + "," + y + "," + z, std::to_string(0.01 * id)});
        ++id;
      }
  f.overfitting = quiet_overfitting(id);
  f.best_id = 23;
  f.median_id = 12;
  const std::string heat = section(render(folder("sweep-report-auto", f)), "panel-heatmap");
  // a.x (3 values) and c.z (4 values); the one with more values across.
  EXPECT_NE(heat.find("Rows <b>a.x</b>"), std::string::npos) << heat;
  EXPECT_NE(heat.find("Columns <b>c.z</b>"), std::string::npos) << heat;
  // Numeric axes ascending: 0.25 before 0.5 although the grid lists 0.5 first.
  EXPECT_LT(heat.find(">0.25</text>"), heat.find(">0.5</text>"));
  // Cell (a.x = 1, c.z = 0.25): ids 1 (b.y = true) and 5 (b.y = false): mean 0.03.
  EXPECT_NE(heat.find("<title>1 0.25: 0.03</title>"), std::string::npos) << heat;
}

TEST_F(SweepReport, WarningsAreShownProminentlyWhenPboIsAboveOneHalf) {
  Folder f = three_dimensions();
  f.overfitting["pbo"]["value"] = 0.75;
  const std::string warning =
      "Probability of backtest overfitting is 75%: in most train/test splits the variant that looked best "
      "in-sample did worse than the median variant out of sample.";
  f.overfitting["warnings"] = {warning};
  const std::string panel = section(render(folder("sweep-report-warn", f)), "panel-overfitting");
  const std::size_t box = panel.find("<div class=\"alert bad\" role=\"alert\">");
  ASSERT_NE(box, std::string::npos) << panel;
  EXPECT_NE(panel.find("<li>" + warning + "</li>", box), std::string::npos) << panel;
  EXPECT_NE(panel.find("75.0%"), std::string::npos);
  EXPECT_NE(panel.find("value neg\">75.0%"), std::string::npos);  // the PBO itself in red
}

TEST_F(SweepReport, NoWarningBoxWithoutWarnings) {
  const std::string panel =
      section(render(folder("sweep-report-quiet", three_dimensions())), "panel-overfitting");
  EXPECT_EQ(panel.find("alert bad"), std::string::npos);
  EXPECT_NE(panel.find("alert good"), std::string::npos);
  EXPECT_NE(panel.find(">0.970<"), std::string::npos);  // DSR, 3 decimals
  EXPECT_NE(panel.find(">25.0%<"), std::string::npos);  // PBO
  // SR* and the selected Sharpe per day and annualised by sqrt(252): 0.02 -> 0.32, 0.05 -> 0.79.
  EXPECT_NE(panel.find("<td>0.0200</td><td>0.32</td>"), std::string::npos) << panel;
  EXPECT_NE(panel.find("<td>0.0500</td><td>0.79</td>"), std::string::npos) << panel;
}

TEST_F(SweepReport, NullOverfittingValuesReadNaWithTheReason) {
  Folder f = three_dimensions();
  f.overfitting["deflated_sharpe"] = {
      {"value", nullptr}, {"undefined_because", "some variants have flat or too short equity curves"}};
  f.overfitting["pbo"] = {
      {"value", nullptr},
      {"partitions", 16},
      {"undefined_because", "the variants cover different dates, so their returns cannot be compared"}};
  const std::string panel = section(render(folder("sweep-report-na", f)), "panel-overfitting");
  EXPECT_NE(panel.find("n/a: some variants have flat or too short equity curves"), std::string::npos)
      << panel;
  EXPECT_NE(panel.find("n/a: the variants cover different dates, so their returns cannot be compared"),
            std::string::npos);
  EXPECT_NE(panel.find("alert caution"), std::string::npos);
  EXPECT_EQ(panel.find("alert good"), std::string::npos);
  EXPECT_NE(panel.find("n/a: PBO undefined"), std::string::npos);  // the logit histogram's placeholder
}

TEST_F(SweepReport, EscapesParameterStrings) {
  Folder f = three_dimensions();
  f.grid[1]["values"] = {"\"<b>&\\\"x\\\"\"", "\"hi\""};  // TOML text of the string <b>&"x"
  for (Variant& v : f.variants) {
    const std::size_t a = v.params.find(",lo,");
    if (a != std::string::npos) v.params.replace(a, 4, ",\"<b>&\"\"x\"\"\",");
  }
  const std::string html = render(folder("sweep-report-escape", f));
  EXPECT_EQ(html.find("<b>&\"x\""), std::string::npos);
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
  const std::string escaped = "&lt;b&gt;&amp;&quot;x&quot;";
  EXPECT_NE(section(html, "panel-ranking").find(escaped), std::string::npos);
  EXPECT_NE(section(html, "panel-sensitivity").find(escaped), std::string::npos);
}

TEST_F(SweepReport, PercentFormattingInTheRanking) {
  const std::string ranking =
      section(render(folder("sweep-report-rank", three_dimensions())), "panel-ranking");
  EXPECT_NE(ranking.find("<td>12.34%</td>"), std::string::npos) << ranking;         // total_return 0.1234
  EXPECT_NE(ranking.find("<td class=\"neg\">-25.00%</td>"), std::string::npos);     // max_drawdown as a loss
  EXPECT_NE(ranking.find("<td>12.00%</td>"), std::string::npos);                    // volatility
  EXPECT_NE(ranking.find("<td class=\"key\">1.00</td>"), std::string::npos);       // Sharpe of id 6
  EXPECT_NE(ranking.find("<td class=\"param text\">hi</td>"), std::string::npos);  // string without quotes
}

TEST_F(SweepReport, SingleDimensionAndTwoVariants) {
  Folder f;
  f.grid = json::array({json{{"key", "strategy.top_n"}, {"values", {"1", "2"}}}});
  f.variants = {{0, "1", "0.8"}, {1, "2", "0.4"}};
  f.overfitting = quiet_overfitting(2);
  f.best_id = 0;
  f.median_id = 0;  // the median of two is the better one
  const std::string html = render(folder("sweep-report-tiny", f));
  for (const std::string& id : kPanelIds) EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;
  EXPECT_NE(section(html, "panel-heatmap").find("Only one parameter is swept (strategy.top_n): no heatmap"),
            std::string::npos);
  EXPECT_NE(section(html, "panel-distribution").find("Best = median 0.80 (v0)"), std::string::npos);
  EXPECT_NE(section(html, "panel-equity").find("Best = median: variant 0"), std::string::npos);
  EXPECT_EQ(html.find("NaN"), std::string::npos);
}

TEST_F(SweepReport, SameFilesGiveTheSameBytes) {
  const fs::path dir = folder("sweep-report-bytes", three_dimensions());
  const std::string first = render(dir);
  EXPECT_EQ(render(dir), first);
}

TEST_F(SweepReport, SummaryAndCurvesInMemoryGiveTheFilesBytesOnAnyThreads) {
  // What `qsweep sweep` hands over in memory: the summary with a non-finite number where the file
  // holds null (the deflated Sharpe ratio here), and the curves with NaN for the empty cell.
  Folder f = three_dimensions();
  f.overfitting["deflated_sharpe"]["value"] = nullptr;
  const fs::path dir = folder("sweep-report-memory", f);
  const std::string from_files = render(dir);
  json summary = json::parse(slurp(dir / "sweep_summary.json"));
  summary["overfitting"]["deflated_sharpe"]["value"] = std::nan("");
  for (const unsigned threads : {1u, 2u, 3u}) {
    report::SweepCurves curves;
    curves.dates = {day_from_civil(2020, 1, 2), day_from_civil(2020, 1, 3), day_from_civil(2020, 1, 6)};
    curves.ids = {6, 1};
    curves.equity = {{100.0, 110.0, 121.0}, {100.0, 101.0, std::nan("")}};
    fs::remove(dir / "report.html");
    fs::remove(dir / "sweep_summary.json");  // not read: the summary comes from memory
    report::write_sweep_report(dir, summary, std::move(curves), /*sync=*/false, threads);
    EXPECT_EQ(slurp(dir / "report.html"), from_files) << threads << " threads";
  }
}

TEST_F(SweepReport, ErrorsNameTheFile) {
  const fs::path dir = folder("sweep-report-errors", three_dimensions());
  fs::remove(dir / "curves.csv");
  try {
    write_sweep_report(dir);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("curves.csv"), std::string::npos) << e.what();
  }

  const fs::path bad = folder("sweep-report-bad-number", three_dimensions());
  std::string results = slurp(bad / "results.csv");
  results.replace(results.find(",0.3,"), 5, ",abc,");  // variant 1 (line 3)
  write_text(bad / "results.csv", results);
  try {
    write_sweep_report(bad);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("results.csv:3: column 'sharpe': 'abc'"), std::string::npos)
        << e.what();
  }

  const fs::path not_sweep = folder("sweep-report-no-grid", three_dimensions());
  write_text(not_sweep / "manifest.json", "{\"config\": \"x.toml\"}");
  try {
    write_sweep_report(not_sweep);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("manifest.json: no \"grid\""), std::string::npos) << e.what();
  }

  // A grid that is not the sweep's (edited: a value added, a key twice) would remap every id.
  const fs::path edited = folder("sweep-report-edited-grid", three_dimensions());
  json manifest = json::parse(slurp(edited / "manifest.json"));
  std::uint64_t size = 1;
  for (const json& d : manifest["grid"]) size *= d["values"].size();
  manifest["variants"] = size + 1;
  write_text(edited / "manifest.json", manifest.dump());
  try {
    write_sweep_report(edited);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(fmt::format("expected the grid's {} variants", size)), std::string::npos)
        << e.what();
  }
  manifest["variants"] = size;
  write_text(edited / "manifest.json", manifest.dump());
  EXPECT_NO_THROW(write_sweep_report(edited));
  manifest["grid"].push_back(manifest["grid"][0]);
  manifest["variants"] = size * manifest["grid"][0]["values"].size();
  write_text(edited / "manifest.json", manifest.dump());
  try {
    write_sweep_report(edited);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is listed twice"), std::string::npos) << e.what();
  }

  // Overfitting figures out of their range: a PBO of -3, a fractional number of trials.
  for (const auto& [key, value, message] : std::vector<std::tuple<std::string, double, std::string>>{
           {"pbo", -3.0, "\"overfitting.pbo.value\": expected a probability (0 to 1) or null, got -3"},
           {"deflated_sharpe", 1.5, "\"overfitting.deflated_sharpe.value\": expected a probability (0 to 1) or null"},
           {"trials", 2.5, "\"overfitting.trials\": expected a whole number >= 0 or null, got 2.5"}}) {
    Folder f = three_dimensions();
    if (key == "trials") f.overfitting["trials"] = value;
    else f.overfitting[key]["value"] = value;
    const fs::path dir_out_of_range = folder("sweep-report-range-" + key, f);
    try {
      write_sweep_report(dir_out_of_range);
      FAIL() << key << ": no error";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("sweep_summary.json: " + message), std::string::npos) << e.what();
    }
  }

  const fs::path broken = folder("sweep-report-broken-json", three_dimensions());
  write_text(broken / "sweep_summary.json", "{\"rank_by\": ");
  EXPECT_THROW(write_sweep_report(broken), InputError);
  write_text(broken / "sweep_summary.json", "{\"overfitting\": {\"trials\": 1e400}}");  // beyond a double
  try {
    write_sweep_report(broken);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("sweep_summary.json: not valid JSON"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(broken / "report.html"));

  const fs::path out_of_grid = folder("sweep-report-bad-id", three_dimensions());
  write_text(out_of_grid / "results.csv",
             "id,hash,a.x,b.y,c.z," + kStatColumns + "\n8,0,1,lo,10,0,0,1,0,0,0,0,0,0,0\n");
  try {
    write_sweep_report(out_of_grid);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("results.csv:2: column 'id': '8'"), std::string::npos) << e.what();
  }

  // The file is written whole: a last line without its line end is damage, found before the
  // line's missing fields or digits could be read as a shorter row.
  const fs::path cut = folder("sweep-report-cut-short", three_dimensions());
  const std::string whole = slurp(cut / "results.csv");
  write_text(cut / "results.csv", whole.substr(0, whole.size() - 1));
  try {
    write_sweep_report(cut);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("results.csv:" + std::to_string(std::count(whole.begin(), whole.end(), '\n')) +
                                         ": the last line is cut short"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(cut / "report.html"));
  EXPECT_THROW(write_sweep_report(dir / "missing"), IoError);
}

}  // namespace
}  // namespace qsweep::test
