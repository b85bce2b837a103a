// GCC 11+ headers call std::__throw_bad_array_new_length (GLIBCXX_3.4.29) from std::vector. Node 20's
// own binaries need only GLIBCXX_3.4.21, so the prebuild defines it here (hidden, like every symbol
// of the addon) rather than require a libstdc++ newer than Node's. The addon is built without C++
// exceptions, so the answer to an impossible allocation size is the one libstdc++ gives then.
#include <cstdlib>

namespace std {
[[noreturn]] void __throw_bad_array_new_length() { std::abort(); }
}  // namespace std
