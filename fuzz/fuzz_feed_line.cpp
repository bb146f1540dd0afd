// libFuzzer: one line of the feed protocol (docs/feed-protocol.md), as a client sends it.
#include "core/live/feed_protocol.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray line =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto parsed = warroom::feed::parseLine(line);
    // What was taken writes back as a line that parses again.
    if (const auto *message = std::get_if<warroom::feed::Message>(&parsed)) {
        if (const auto *event = std::get_if<warroom::Event>(message))
            (void)warroom::feed::parseLine(warroom::feed::eventLine(*event).trimmed());
    }
    return 0;
}
