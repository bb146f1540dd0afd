// libFuzzer: a post-mortem's JSON (as stored in a recording, or sent by another desk), read,
// written back, read again, and merged with itself.
#include "core/postmortem/postmortem.h"
#include "core/postmortem/postmortem_merge.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (!doc.isObject())
        return 0;
    const auto pm = warroom::postMortemFromJson(doc.object(), QStringLiteral("fuzz"));
    if (!pm)
        return 0;
    const auto again =
        warroom::postMortemFromJson(warroom::toJson(pm.value()), QStringLiteral("fuzz again"));
    if (again)
        (void)warroom::mergePostMortems(pm.value(), again.value(), pm.value());
    return 0;
}
