// Dequantization lookups map[code] for 64 codes at once (AVX-512 VBMI): the map's 256 float32 values
// are kept as four byte planes (byte k of every value); each plane is looked up with two 128-entry byte
// permutes and a select on bit 7 of the code, and the planes are interleaved back into floats. About a
// third of the instructions of sixteen-lane register permutes, and no gathers.
#pragma once

#include <cstdint>
#include <cstring>

#if defined(__AVX512VBMI__) && defined(__AVX512BW__)
#include <immintrin.h>
#define OCTET_MAP64 1
#endif

namespace octet_optim {

struct MapBytes {
  alignas(64) uint8_t planes[4][256];
  void set(const float* map) {
    for (int c = 0; c < 256; c++) {
      uint8_t b[4];
      std::memcpy(b, map + c, 4);
      for (int k = 0; k < 4; k++) planes[k][c] = b[k];  // little-endian: plane 0 is the low byte
    }
  }
};

#if defined(OCTET_MAP64)
// out[q] = map[codes[16q .. 16q + 15]] as float32, for the 64 codes in `codes`.
inline void map64(const MapBytes& m, __m512i codes, __m512 out[4]) {
  // The interleave works within 128-bit lanes: output q, lane L, dword j comes from byte 16L + 4q + j. So
  // that it holds code 16q + 4L + j, the codes are first permuted: byte 16L + 4q + j <- code 16q + 4L + j.
  alignas(64) static const uint8_t order[64] = {
      0, 1, 2, 3, 16, 17, 18, 19, 32, 33, 34, 35, 48, 49, 50, 51, 4, 5, 6, 7, 20, 21, 22, 23, 36, 37, 38, 39, 52, 53, 54, 55,
      8, 9, 10, 11, 24, 25, 26, 27, 40, 41, 42, 43, 56, 57, 58, 59, 12, 13, 14, 15, 28, 29, 30, 31, 44, 45, 46, 47, 60, 61, 62, 63};
  const __m512i idx = _mm512_permutexvar_epi8(_mm512_load_si512(order), codes);
  const __mmask64 high = _mm512_movepi8_mask(idx);  // bit 7: codes 128..255
  __m512i b[4];
  for (int k = 0; k < 4; k++) {
    const uint8_t* p = m.planes[k];
    const __m512i lo = _mm512_permutex2var_epi8(_mm512_load_si512(p), idx, _mm512_load_si512(p + 64));
    const __m512i hi = _mm512_permutex2var_epi8(_mm512_load_si512(p + 128), idx, _mm512_load_si512(p + 192));
    b[k] = _mm512_mask_mov_epi8(lo, high, hi);
  }
  const __m512i w01lo = _mm512_unpacklo_epi8(b[0], b[1]), w01hi = _mm512_unpackhi_epi8(b[0], b[1]);
  const __m512i w23lo = _mm512_unpacklo_epi8(b[2], b[3]), w23hi = _mm512_unpackhi_epi8(b[2], b[3]);
  out[0] = _mm512_castsi512_ps(_mm512_unpacklo_epi16(w01lo, w23lo));
  out[1] = _mm512_castsi512_ps(_mm512_unpackhi_epi16(w01lo, w23lo));
  out[2] = _mm512_castsi512_ps(_mm512_unpacklo_epi16(w01hi, w23hi));
  out[3] = _mm512_castsi512_ps(_mm512_unpackhi_epi16(w01hi, w23hi));
}
#endif

}  // namespace octet_optim
