// The test runner's entry point for the relaxed-SIMD builds (CMakeLists.txt adds this file to them only).
// Clang 19 names `int main(int argc, char** argv)` __main_argc_argv; emcc 3.1.6 links with
// --entry=main and calls the export "main" (clang 14, the plain builds' compiler, keeps the name).
// This defines a function whose symbol is `main` (an asm label is not renamed) and forwards to
// gtest_main's.
extern "C" int __main_argc_argv(int argc, char** argv);
extern "C" int wasmgrad_tests_main(int argc, char** argv) __asm__("main");
extern "C" int wasmgrad_tests_main(int argc, char** argv) { return __main_argc_argv(argc, argv); }
