// libFuzzer: a scenario file (YAML or JSON), as people write and pass them around.
#include "core/scenario/scenario_loader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)warroom::parseScenario(text, QStringLiteral("fuzz.yaml"));
    return 0;
}
