// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as in zip/PNG), for file checksums.
#pragma once
#include <cstddef>
#include <cstdint>

namespace wg {
std::uint32_t crc32(const std::uint8_t* data, std::size_t size);
}
