#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>

#include <dlfcn.h>

#include <fmt/format.h>

#include "qsweep/error.hpp"
#include "qsweep/strategy.hpp"
#include "strategy/builtin.hpp"
#include "strategy/strategy_call.hpp"

namespace qsweep {

StrategyRegistry& StrategyRegistry::global() {
  static StrategyRegistry* registry = [] {
    auto* r = new StrategyRegistry();
    register_builtin_strategies(*r);
    return r;
  }();
  return *registry;
}

void StrategyRegistry::add(const std::string& kind, StrategyFactory factory) {
  if (kind.empty()) throw InputError("a strategy kind must have a name (registered as \"\")");
  if (!factory) throw InputError(fmt::format("strategy kind '{}' is registered without a factory", kind));
  if (contains(kind))
    throw InputError(fmt::format("strategy kind '{}' is registered twice (by a built-in strategy or a plug-in "
                                 "loaded earlier)",
                                 kind));
  factories_.emplace_back(kind, std::move(factory));
}

bool StrategyRegistry::contains(const std::string& kind) const {
  return std::any_of(factories_.begin(), factories_.end(), [&](const auto& f) { return f.first == kind; });
}

std::vector<std::string> StrategyRegistry::kinds() const {
  std::vector<std::string> out;
  for (const auto& f : factories_) out.push_back(f.first);
  std::sort(out.begin(), out.end());
  return out;
}

std::unique_ptr<Strategy> StrategyRegistry::create(const StrategyParams& params) const {
  for (const auto& [kind, factory] : factories_) {
    if (kind != params.kind()) continue;
    // A plug-in's factory may fail in its own ways: each is the strategy's error, not qsweep's.
    std::unique_ptr<Strategy> strategy =
        call_strategy_code([&] { return factory(params); }, [&](const std::string& reason) -> InputError {
          params.fail("kind", fmt::format("strategy '{}' failed to start{}", kind, reason));
        });
    if (!strategy) params.fail("kind", fmt::format("strategy '{}': its factory returned no strategy", kind));
    params.check_all_used();
    return strategy;
  }
  std::string known;
  for (const std::string& k : kinds()) known += (known.empty() ? "" : ", ") + k;
  params.fail("kind", fmt::format("unknown strategy kind '{}' (known: {}; plug-ins add more)", params.kind(), known));
}

void load_strategy_plugin(const std::string& path) {
  static std::mutex mutex;
  static std::set<void*> loaded;  // dlopen handles whose strategies are registered
  std::lock_guard lock(mutex);
  // dlopen searches the library path for a bare file name: always give it an absolute path.
  // The same library named twice (e.g. by --plugin and by the config) gets the same handle.
  std::error_code error;
  const std::filesystem::path file = std::filesystem::absolute(path, error);
  void* handle = ::dlopen((error ? path : file.string()).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw InputError(fmt::format("{}: cannot load strategy plug-in: {}", path, ::dlerror()));
  if (loaded.count(handle)) return;
  using AbiFn = int (*)();
  using RegisterFn = void (*)(StrategyRegistry&);
  auto abi = reinterpret_cast<AbiFn>(::dlsym(handle, "qsweep_plugin_abi"));
  auto reg = reinterpret_cast<RegisterFn>(::dlsym(handle, "qsweep_register"));
  if (!abi || !reg) {
    throw InputError(fmt::format("{}: not a qsweep plug-in (missing qsweep_plugin_abi/qsweep_register; "
                                 "define them with QSWEEP_PLUGIN)", path));
  }
  if (abi() != QSWEEP_PLUGIN_ABI) {
    throw InputError(fmt::format("{}: plug-in built for ABI {}, this qsweep has ABI {}", path, abi(), QSWEEP_PLUGIN_ABI));
  }
  try {
    reg(StrategyRegistry::global());
  } catch (const InputError& e) {  // e.g. a kind registered twice: name the library that tried
    throw InputError(fmt::format("{}: {}", path, e.what()));
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: the plug-in's registration failed: {}", path, e.what()));
  } catch (...) {
    throw InputError(fmt::format("{}: the plug-in's registration failed (it threw a non-exception)", path));
  }
  loaded.insert(handle);
}

}  // namespace qsweep
