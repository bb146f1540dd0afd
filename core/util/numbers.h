#pragma once

#include <QString>

namespace warroom {

// A count as people read it: rounded, thousands separated ("1,587,811"), whatever the locale.
QString formatCount(double value);

} // namespace warroom
