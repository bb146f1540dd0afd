// libFuzzer: a Prometheus mapping file (docs/prometheus.md), for watching and for import.
#include "core/live/prometheus_mapping.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)warroom::parsePrometheusMapping(text, QStringLiteral("fuzz.yaml"),
                                          warroom::MappingUse::Watch);
    (void)warroom::parsePrometheusMapping(text, QStringLiteral("fuzz.yaml"),
                                          warroom::MappingUse::Import);
    return 0;
}
