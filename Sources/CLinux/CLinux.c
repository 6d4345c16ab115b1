#include "CLinux.h"
// Everything lives in the header; this file gives SwiftPM a C source to build.
