# Debian bookworm packages only; nothing vendored, nothing downloaded at build time.
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)            # libssl-dev: SHA-256 for sha256_cbor_64bit
find_package(yaml-cpp REQUIRED)           # libyaml-cpp-dev: scenario and preset files
find_package(nlohmann_json 3.10 REQUIRED) # nlohmann-json3-dev: result JSON, traces
find_package(CLI11 REQUIRED)              # libcli11-dev: command line
find_package(PkgConfig REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)  # libxxhash-dev
find_package(CURL REQUIRED)               # libcurl4-openssl-dev: the load generator and Prometheus client
find_package(Boost 1.74 REQUIRED)          # libboost-dev: Asio/Beast for live pods and the gateway
find_package(cppzmq REQUIRED)             # cppzmq-dev + libzmq3-dev: KV events over ZeroMQ (vllm.md §7)
find_package(msgpack REQUIRED CONFIG)     # libmsgpack-cxx-dev: the events' msgpack payload
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Test Concurrent Network)
if(KVROUTE_BUILD_GUI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Gui Widgets Charts)
endif()
