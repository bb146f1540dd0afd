#pragma once

#include "core/postmortem/postmortem.h"

namespace warroom::test {

// An action item as a team writes it (aggregate initialisation would name every field).
inline ActionItem actionItem(const QString &what, const QString &owner, QDate due,
                             const QString &priority, const QString &status, const QString &ticket,
                             const QString &whatIf = {})
{
    ActionItem a;
    a.what = what;
    a.owner = owner;
    a.due = due;
    a.priority = priority;
    a.status = status;
    a.ticket = ticket;
    a.whatIf = whatIf;
    return a;
}

} // namespace warroom::test
