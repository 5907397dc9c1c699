// The only N-API code: unpack arguments, call the pure C++ core, return a
// number. No JS objects are created on the success path and nothing is
// copied: typed arrays are used through their backing store (already adjusted
// by their byteOffset). The TS layer validates arguments; this glue still
// checks argument kinds (for free, as part of reading them) and ranges, so bad
// input raises a TypeError/RangeError instead of touching memory.
//
// The four hot functions are plain napi_callbacks rather than
// Napi::CallbackInfo wrappers: for 16-byte inputs the call itself is the cost,
// and the wrapper's extra indirection and bookkeeping showed up in the
// benchmark. node-addon-api (without C++ exceptions) still does the module
// setup.
#include <napi.h>

#include <cstdint>

#include "pushgate/constants.h"
#include "pushgate/frame_scan.h"
#include "pushgate/mask.h"
#include "pushgate/utf8.h"

namespace {

constexpr size_t kMaxIndex = 0x7fffffff;  // Int32 slots hold absolute offsets
constexpr size_t kMaxArgs = 6;

struct Args {
  napi_value v[kMaxArgs];
  size_t count = kMaxArgs;  // in: capacity; out: how many the caller passed
};

// Missing arguments are filled with `undefined` by napi_get_cb_info.
bool GetArgs(napi_env env, napi_callback_info info, Args* args) {
  return napi_get_cb_info(env, info, &args->count, args->v, nullptr, nullptr) == napi_ok;
}

struct Bytes {
  uint8_t* data = nullptr;
  size_t length = 0;
};

// The bytes of any ArrayBufferView (Buffer, Uint8Array, ...: its byteOffset and
// byteLength, so always memory-safe); false for anything else. The TS layer
// only ever passes Uint8Arrays. napi_get_buffer_info is used rather than
// napi_get_typedarray_info because it is measurably cheaper per call, which
// dominates for small frames.
bool GetBytes(napi_env env, napi_value value, Bytes* out) {
  void* data;
  if (napi_get_buffer_info(env, value, &data, &out->length) != napi_ok) return false;
  out->data = static_cast<uint8_t*>(data);
  return true;
}

// `out` must really be an Int32Array: slots are written as aligned int32.
bool GetInt32s(napi_env env, napi_value value, int32_t** data_out, size_t* length_out) {
  napi_typedarray_type type;
  void* data;
  if (napi_get_typedarray_info(env, value, &type, length_out, &data, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array) {
    return false;
  }
  *data_out = static_cast<int32_t*>(data);
  return true;
}

// Integer argument, truncated toward zero and saturated to the int64 range;
// NaN and non-numbers give `fallback`. (Read as a double because
// napi_get_value_int64 maps Infinity to 0, which would turn an "unlimited"
// maxPayload into 0.)
int64_t GetInt(napi_env env, napi_value value, int64_t fallback) {
  double v;
  if (napi_get_value_double(env, value, &v) != napi_ok || v != v) return fallback;
  if (v >= 9.2e18) return INT64_MAX;
  if (v <= -9.2e18) return INT64_MIN;
  return static_cast<int64_t>(v);
}

napi_value Int(napi_env env, int64_t n) {
  napi_value result;
  // Every value returned here (phase, state, record count) fits an int32 (an SMI in V8).
  napi_create_int32(env, static_cast<int32_t>(n), &result);
  return result;
}

napi_value TypeError(napi_env env, const char* message) {
  napi_throw_type_error(env, nullptr, message);
  return nullptr;
}

napi_value RangeError(napi_env env, const char* message) {
  napi_throw_range_error(env, nullptr, message);
  return nullptr;
}

// mask(src, key, dst, dstOffset, length)
napi_value Mask(napi_env env, napi_callback_info info) {
  Args a;
  Bytes src, key, dst;
  if (!GetArgs(env, info, &a) || a.count < 5 || !GetBytes(env, a.v[0], &src) ||
      !GetBytes(env, a.v[1], &key) || !GetBytes(env, a.v[2], &dst)) {
    return TypeError(env, "pushgate native mask(src, key, dst, dstOffset, length): src, key and dst must be Uint8Arrays");
  }
  const int64_t dst_offset = GetInt(env, a.v[3], -1);
  const int64_t length = GetInt(env, a.v[4], -1);
  if (key.length < 4) return RangeError(env, "pushgate native mask: key must hold 4 bytes");
  if (dst_offset < 0 || length < 0 || static_cast<uint64_t>(length) > src.length ||
      static_cast<uint64_t>(dst_offset) > dst.length ||
      static_cast<uint64_t>(length) > dst.length - static_cast<uint64_t>(dst_offset)) {
    return RangeError(env, "pushgate native mask: dstOffset/length out of range");
  }
  pushgate::Mask(src.data, key.data, dst.data + dst_offset, static_cast<size_t>(length));
  return nullptr;  // undefined
}

// unmask(buf, key, phase) -> phase
napi_value Unmask(napi_env env, napi_callback_info info) {
  Args a;
  Bytes buf, key;
  if (!GetArgs(env, info, &a) || a.count < 2 || !GetBytes(env, a.v[0], &buf) || !GetBytes(env, a.v[1], &key)) {
    return TypeError(env, "pushgate native unmask(buf, key, phase): buf and key must be Uint8Arrays");
  }
  if (key.length < 4) return RangeError(env, "pushgate native unmask: key must hold 4 bytes");
  const uint32_t phase = static_cast<uint32_t>(GetInt(env, a.v[2], 0) & 3);
  return Int(env, pushgate::Unmask(buf.data, buf.length, key.data, phase));
}

// utf8Step(buf, state) -> state
napi_value Utf8Step(napi_env env, napi_callback_info info) {
  Args a;
  Bytes buf;
  if (!GetArgs(env, info, &a) || a.count < 1 || !GetBytes(env, a.v[0], &buf)) {
    return TypeError(env, "pushgate native utf8Step(buf, state): buf must be a Uint8Array");
  }
  const int64_t raw = GetInt(env, a.v[1], 0);
  // Out-of-range states collapse to reject (a negative one is returned as is).
  const int32_t state = raw < INT32_MIN ? pushgate::utf8_state::kReject
                        : raw > pushgate::utf8_state::kAfterF4 ? pushgate::utf8_state::kReject
                                                               : static_cast<int32_t>(raw);
  return Int(env, pushgate::Utf8Step(buf.data, buf.length, state));
}

// scanFrames(buf, offset, out, maxFrames, allowedRsv, maxPayload) -> count
napi_value ScanFrames(napi_env env, napi_callback_info info) {
  Args a;
  Bytes buf;
  int32_t* out;
  size_t out_length;
  if (!GetArgs(env, info, &a) || a.count < 4 || !GetBytes(env, a.v[0], &buf) ||
      !GetInt32s(env, a.v[2], &out, &out_length)) {
    return TypeError(env,
                     "pushgate native scanFrames(buf, offset, out, maxFrames, allowedRsv, maxPayload): buf must be a Uint8Array and out an Int32Array");
  }
  const int64_t offset = GetInt(env, a.v[1], 0);
  const int64_t max_frames = GetInt(env, a.v[3], 0);
  const int64_t allowed_rsv = GetInt(env, a.v[4], 0);
  const int64_t max_payload = GetInt(env, a.v[5], pushgate::kMaxScanPayload);
  // Slots are Int32: a buffer past 2^31-1 bytes is scanned only up to there,
  // so later frames simply look incomplete instead of overflowing a slot.
  const size_t length = buf.length > kMaxIndex ? kMaxIndex : buf.length;
  if (offset < 0 || static_cast<uint64_t>(offset) > length) {
    return RangeError(env, "pushgate native scanFrames: offset out of range");
  }
  size_t frames = max_frames <= 0 ? 0 : static_cast<size_t>(max_frames);
  if (frames > out_length / pushgate::kFrameSlots) frames = out_length / pushgate::kFrameSlots;
  pushgate::ScanParams params;
  params.allowed_rsv = static_cast<uint32_t>(allowed_rsv) & 7;
  params.max_payload = max_payload < 0 ? 0 : static_cast<uint64_t>(max_payload);
  return Int(env, static_cast<int64_t>(
                      pushgate::ScanFrames(buf.data, length, static_cast<size_t>(offset), out, frames, params)));
}

void Export(Napi::Env env, Napi::Object exports, const char* name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn) == napi_ok) {
    exports.Set(name, Napi::Value(env, fn));
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Export(env, exports, "mask", Mask);
  Export(env, exports, "unmask", Unmask);
  Export(env, exports, "utf8Step", Utf8Step);
  Export(env, exports, "scanFrames", ScanFrames);
  return exports;
}

}  // namespace

NODE_API_MODULE(pushgate_native, Init)
