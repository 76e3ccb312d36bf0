/* Stands in for std::ios_base_library_init() (GCC 13, GLIBCXX_3.4.32), which older libstdc++
   lacks. GCC 12's libstdc++ initialises the standard streams itself, so a no-op is correct. */
void _ZSt21ios_base_library_initv(void) {}
