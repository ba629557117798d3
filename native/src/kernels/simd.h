// Which vector path the tensor kernels use. OCTET_NATIVE_SIMD=avx2 or =scalar (or 0) narrows it, as for
// the optimizer kernels; tests switch it at run time to check every path against the same references.
#pragma once

namespace octet {

enum class Simd { Scalar = 0, Avx2 = 1, Avx512 = 2 };

// The widest path compiled in and allowed by OCTET_NATIVE_SIMD (read once).
Simd kernelSimd();
// Narrows (or restores) the path; clamped to what is compiled in.
void setKernelSimd(Simd s);
const char* simdName(Simd s);

}  // namespace octet
