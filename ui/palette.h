#pragma once

#include "core/analysis/verdict.h"
#include "core/replay/service_status.h"

#include <QColor>

namespace warroom {

// Okabe–Ito colours: told apart with every common form of colour blindness.
namespace okabeIto {
inline const QColor orange{0xE6, 0x9F, 0x00};
inline const QColor skyBlue{0x56, 0xB4, 0xE9};
inline const QColor bluishGreen{0x00, 0x9E, 0x73};
inline const QColor yellow{0xF0, 0xE4, 0x42};
inline const QColor blue{0x00, 0x72, 0xB2};
inline const QColor vermillion{0xD5, 0x5E, 0x00};
inline const QColor reddishPurple{0xCC, 0x79, 0xA7};
inline const QColor grey{0x99, 0x99, 0x99};
} // namespace okabeIto

// The one mapping of verdicts to colours, shared by every view and its legend.
inline QColor verdictColor(VerdictState state)
{
    switch (state) {
    case VerdictState::Reachable:
        return okabeIto::bluishGreen;
    case VerdictState::Degraded:
        return okabeIto::orange;
    case VerdictState::Unknown:
        return okabeIto::grey;
    case VerdictState::Blocked:
        return okabeIto::vermillion;
    }
    return okabeIto::grey;
}

// The service's states, the same in the header, the overview strip and the charts.
inline QColor serviceStateColor(ServiceState state)
{
    switch (state) {
    case ServiceState::Ok:
        return okabeIto::bluishGreen;
    case ServiceState::Degraded:
        return okabeIto::orange;
    case ServiceState::Outage:
        return okabeIto::vermillion;
    case ServiceState::Recovering:
        return okabeIto::blue;
    }
    return okabeIto::grey;
}

} // namespace warroom
