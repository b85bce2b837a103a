// Binds the few glibc symbols that glibc 2.34 re-versioned (libdl and libpthread merged into libc)
// to their original versions, so a prebuild made on a new distribution still loads on the
// glibc 2.28 that Node 20's own Linux binaries require (RHEL 8, Ubuntu 20.04). A test reads the
// prebuild's symbol versions with objdump to keep this true.
#pragma once

#if defined(__linux__) && defined(__GLIBC__)
#if defined(__x86_64__)
#define INFERLENS_GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define INFERLENS_GLIBC_BASE "GLIBC_2.17"
#endif
#endif

#ifdef INFERLENS_GLIBC_BASE
#define INFERLENS_SYMVER(name) __asm__(".symver " #name "," #name "@" INFERLENS_GLIBC_BASE)
INFERLENS_SYMVER(dlopen);
INFERLENS_SYMVER(dlsym);
INFERLENS_SYMVER(dlerror);
INFERLENS_SYMVER(dlclose);
INFERLENS_SYMVER(pthread_create);
INFERLENS_SYMVER(pthread_detach);
#endif
