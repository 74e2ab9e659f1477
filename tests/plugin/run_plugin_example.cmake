# ctest script: builds examples/plugin against an INSTALLED qsweep and runs it with the installed
# CLI. Steps: install BUILD_DIR into WORK_DIR/prefix; configure and build examples/plugin with
# CMAKE_PREFIX_PATH=WORK_DIR/prefix; run WORK_DIR/prefix/bin/qsweep backtest on
#  - the example config (plugins = [...] relative to the config file),
#  - hand-made data whose right answer is worked out below (loaded with --plugin),
#  - broken set-ups (unknown plug-in path, a library that is not a plug-in, a bad parameter,
#    the strategy kind without its plug-in), which must exit with code 3 (bad input).
#
# Variables (-D): SOURCE_DIR, BUILD_DIR, WORK_DIR, GENERATOR, CXX_COMPILER, and optionally
# CXX_LAUNCHER and SANITIZE_FLAGS (compile and link flags of a sanitizer build: the plug-in gets
# the same ones).
cmake_minimum_required(VERSION 3.25)

foreach(var SOURCE_DIR BUILD_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_plugin_example.cmake: -D${var}=... is required")
  endif()
endforeach()

# run(<name> <expected exit code> <command>...): runs the command, stores its stdout and stderr
# in <name>_out and <name>_err, and fails the test on another exit code.
function(run name expected)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT "${code}" STREQUAL "${expected}")
    list(JOIN ARGN " " command)
    message(FATAL_ERROR "${name}: expected exit code ${expected}, got ${code}\n"
                        "command: ${command}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(${name}_out "${out}" PARENT_SCOPE)
  set(${name}_err "${err}" PARENT_SCOPE)
endfunction()

function(expect_contains name text needle)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${name}: expected to find '${needle}' in:\n${text}")
  endif()
endfunction()

# csv_rows(<file> <out var>): the file's lines without the header.
function(csv_rows file out)
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "missing output file ${file}")
  endif()
  file(STRINGS "${file}" lines)
  list(POP_FRONT lines)
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

# position(<positions.csv> <date> <ticker> <out var>): the quantity held at that date's close.
function(position file date ticker out)
  file(STRINGS "${file}" lines)
  list(GET lines 0 header)
  string(REPLACE "," ";" columns "${header}")
  list(FIND columns "${ticker}" column)
  if(column EQUAL -1)
    message(FATAL_ERROR "${file}: no column ${ticker} in '${header}'")
  endif()
  foreach(line IN LISTS lines)
    if(line MATCHES "^${date},")
      string(REPLACE "," ";" fields "${line}")
      list(GET fields ${column} value)
      set(${out} "${value}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "${file}: no row for ${date}")
endfunction()

# expect_positions(<positions.csv> <date> AAA=<q|+> ...): "+" means any positive quantity.
function(expect_positions file date)
  foreach(spec IN LISTS ARGN)
    string(REPLACE "=" ";" parts "${spec}")
    list(GET parts 0 ticker)
    list(GET parts 1 expected)
    position("${file}" "${date}" "${ticker}" actual)
    if(expected STREQUAL "+")
      if(NOT actual GREATER 0)
        message(FATAL_ERROR "${file}: ${ticker} on ${date}: expected a long position, got ${actual}")
      endif()
    elseif(NOT actual EQUAL expected)
      message(FATAL_ERROR "${file}: ${ticker} on ${date}: expected ${expected}, got ${actual}")
    endif()
  endforeach()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
set(example "${WORK_DIR}/example")
set(plugin "${example}/build/libdual_momentum.so")

# 1. Install this build, as a user would.
run(install 0 "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
set(qsweep "${prefix}/bin/qsweep")
if(NOT EXISTS "${qsweep}")
  message(FATAL_ERROR "the install did not produce ${qsweep}")
endif()
# The installed CLI must find the installed libqsweep through its RPATH alone.
set(qsweep_cmd "${CMAKE_COMMAND}" -E env --unset=LD_LIBRARY_PATH "${qsweep}")

# 2. Build the example plug-in against the installed package only (the example's own sources are
#    copied next to its config so that the config's relative plug-in path resolves).
file(COPY "${SOURCE_DIR}/examples/plugin/" DESTINATION "${example}" PATTERN "build" EXCLUDE)
set(configure_args -S "${example}" -B "${example}/build" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(CXX_LAUNCHER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_LAUNCHER}")
endif()
if(SANITIZE_FLAGS)
  message(STATUS "sanitizer build: building the plug-in with ${SANITIZE_FLAGS}")
  list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${SANITIZE_FLAGS}" "-DCMAKE_MODULE_LINKER_FLAGS=${SANITIZE_FLAGS}")
endif()
run(configure 0 "${CMAKE_COMMAND}" ${configure_args})
expect_contains(configure "${configure_out}" "Generating done")
run(build 0 "${CMAKE_COMMAND}" --build "${example}/build")
if(NOT EXISTS "${plugin}")
  message(FATAL_ERROR "the plug-in build did not produce ${plugin}")
endif()

# 3. The example config as shipped, but with the data folder made absolute.
file(READ "${example}/plugin_example.toml" toml)
string(REPLACE "dir = \"../../data/synthetic\"" "dir = \"${SOURCE_DIR}/data/synthetic\"" patched "${toml}")
if(patched STREQUAL toml)
  message(FATAL_ERROR "examples/plugin/plugin_example.toml no longer reads ../../data/synthetic")
endif()
file(WRITE "${example}/plugin_example.toml" "${patched}")
run(example 0 ${qsweep_cmd} backtest "${example}/plugin_example.toml" --out "${WORK_DIR}/out_example")
csv_rows("${WORK_DIR}/out_example/equity.csv" equity)
csv_rows("${WORK_DIR}/out_example/fills.csv" fills)
list(LENGTH equity equity_rows)
list(LENGTH fills fill_rows)
# 2006-01-03 .. 2020-12-31 has about 3,775 trading days; the strategy trades at least once.
if(equity_rows LESS 3700 OR fill_rows LESS 1)
  message(FATAL_ERROR "example: expected ~3,775 equity rows and some fills, got ${equity_rows} and ${fill_rows}")
endif()
foreach(fill IN LISTS fills)
  if(NOT fill MATCHES "^[0-9-]+,(XL[BEFIKPUVY]|AGG),")
    message(FATAL_ERROR "example: fill of an asset the strategy does not trade: ${fill}")
  endif()
endforeach()
expect_contains(example_files "${equity}" "2020-12-31,")

# 4. Hand-made data (strict mode, daily rebalance, open = close, no fees, no cash buffer).
#    lookback = 3 closes, top_n = 1, safe_asset = SAFE, threshold = 0. Decisions at day t's close
#    fill at day t+1's open; momentum(t) = close(t) / close(t-3) - 1, defined from t = 3.
#      t      0-2      3-6        7          8-14          15                16-19
#      AAA    -        +3%,...    +0.96%     < 0           < 0               < 0
#      BBB    -        0          +1%        > 0           105/105-1 = 0     < 0
#      pick   SAFE     AAA        BBB        BBB           SAFE (0 is not > 0) SAFE
#    Day 0 buys floor(10000 / 50) = 200 SAFE at day 1's open.
set(hand "${WORK_DIR}/hand")
set(dates 2021-03-01 2021-03-02 2021-03-03 2021-03-04 2021-03-05 2021-03-08 2021-03-09 2021-03-10
          2021-03-11 2021-03-12 2021-03-15 2021-03-16 2021-03-17 2021-03-18 2021-03-19 2021-03-22
          2021-03-23 2021-03-24 2021-03-25 2021-03-26)
set(closes_AAA 100 101 102 103 104 105 106 105 104 103 102 101 100 99 98 97 96 95 94 93)
set(closes_BBB 100 100 100 100 100 100 100 101 102 103 104 105 106 107 106 105 104 103 102 101)
set(closes_SAFE 50 50 50 50 50 50 50 50 50 50 50 50 50 50 50 50 50 50 50 50)
foreach(ticker AAA BBB SAFE)
  set(csv "Date,Open,Close,Adj Close\n")
  foreach(date close IN ZIP_LISTS dates closes_${ticker})
    string(APPEND csv "${date},${close},${close},${close}\n")
  endforeach()
  file(WRITE "${hand}/data/${ticker}.csv" "${csv}")
endforeach()
file(WRITE "${hand}/dual.toml" "[data]
dir = \"data\"
[backtest]
start = \"2021-03-01\"
end = \"2021-03-26\"
initial_cash = 10000.0
rebalance = \"daily\"
cash_buffer = 0.0
[strategy]
kind = \"dual_momentum\"
assets = [\"AAA\", \"BBB\"]
safe_asset = \"SAFE\"
lookback = 3
top_n = 1
")
run(hand 0 ${qsweep_cmd} backtest "${hand}/dual.toml" --plugin "${plugin}" --out "${hand}/out")
set(positions "${hand}/out/positions.csv")
expect_positions("${positions}" 2021-03-03 AAA=0 BBB=0 SAFE=200)  # warm-up: the safe asset
expect_positions("${positions}" 2021-03-09 AAA=+ BBB=0 SAFE=0)    # relative momentum: AAA
expect_positions("${positions}" 2021-03-17 AAA=0 BBB=+ SAFE=0)    # BBB overtook AAA on day 7
expect_positions("${positions}" 2021-03-25 AAA=0 BBB=0 SAFE=+)    # absolute momentum fails

# A 5% hurdle: no lookback return here reaches it (the best is 3%), so the portfolio buys
# 200 SAFE on day 1 and never trades again.
run(hurdle 0 ${qsweep_cmd} backtest "${hand}/dual.toml" --plugin "${plugin}" --set strategy.threshold=0.05
    --out "${hand}/out_hurdle")
csv_rows("${hand}/out_hurdle/fills.csv" hurdle_fills)
list(LENGTH hurdle_fills hurdle_fill_rows)
if(NOT hurdle_fill_rows EQUAL 1)
  message(FATAL_ERROR "hurdle: expected exactly one fill, got:\n${hurdle_fills}")
endif()
expect_contains(hurdle "${hurdle_fills}" "2021-03-02,SAFE,200,")
expect_positions("${hand}/out_hurdle/positions.csv" 2021-03-26 AAA=0 BBB=0 SAFE=200)

# The same library named twice, spelt differently (--plugin and the config's plugins), registers
# its strategy once.
file(READ "${hand}/dual.toml" hand_toml)
file(WRITE "${hand}/dual_plugins.toml" "plugins = [\"${plugin}\"]\n${hand_toml}")
run(twice 0 ${qsweep_cmd} backtest "${hand}/dual_plugins.toml" --plugin "${example}/build/../build/libdual_momentum.so"
    --out "${hand}/out_twice")

# 5. Failures are bad input (exit code 3) with a message naming the culprit.
run(missing_cli 3 ${qsweep_cmd} backtest "${hand}/dual.toml" --plugin "${hand}/no_such_plugin.so" --out "${hand}/x")
expect_contains(missing_cli "${missing_cli_err}" "no_such_plugin.so")
file(WRITE "${hand}/missing.toml" "plugins = [\"no_such_plugin.so\"]\n${hand_toml}")
run(missing_config 3 ${qsweep_cmd} backtest "${hand}/missing.toml" --out "${hand}/x")
expect_contains(missing_config "${missing_config_err}" "no_such_plugin.so")
file(GLOB installed_lib "${prefix}/lib*/libqsweep.so" "${prefix}/lib*/*/libqsweep.so")
list(GET installed_lib 0 installed_lib)
run(not_a_plugin 3 ${qsweep_cmd} backtest "${hand}/dual.toml" --plugin "${installed_lib}" --out "${hand}/x")
expect_contains(not_a_plugin "${not_a_plugin_err}" "not a qsweep plug-in")
# A second copy of the library registers the same kind: an error naming the copy.
file(COPY_FILE "${plugin}" "${hand}/copy_of_plugin.so")
run(registered_twice 3 ${qsweep_cmd} backtest "${hand}/dual.toml" --plugin "${plugin}" --plugin "${hand}/copy_of_plugin.so"
    --out "${hand}/x")
expect_contains(registered_twice "${registered_twice_err}" "copy_of_plugin.so: strategy kind 'dual_momentum' is registered twice")
run(bad_param 3 ${qsweep_cmd} backtest "${hand}/dual.toml" --plugin "${plugin}" --set strategy.top_n=0
    --out "${hand}/x")
expect_contains(bad_param "${bad_param_err}" "strategy.top_n")
run(no_plugin 3 ${qsweep_cmd} backtest "${hand}/dual.toml" --out "${hand}/x")
expect_contains(no_plugin "${no_plugin_err}" "dual_momentum")

message(STATUS "plugin example: built against ${prefix}, ${equity_rows} equity rows, ${fill_rows} fills")
