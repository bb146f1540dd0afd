#pragma once

#include <QStringList>

class QTextStream;

namespace warroom {

// Exit codes of warroom-cli, the same for every command.
enum ExitCode
{
    ExitClean = 0,
    ExitFindings = 1,
    ExitInvalid = 2
};

// Runs `warroom-cli ARGS...` (args[0] is the program name) writing to out and err.
int runCli(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace warroom
