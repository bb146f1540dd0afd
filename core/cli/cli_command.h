#pragma once

#include <QCommandLineParser>
#include <QTextStream>

#include "core/util/error.h"

#include <optional>

namespace warroom {

class Recording;

// What every warroom-cli command shares: argument parsing with --help, error reporting.

// Parses a command's arguments; returns an exit code when the command should stop here.
// `files`: how many FILE arguments it takes.
std::optional<int> parseCommand(QCommandLineParser &parser, const QStringList &args,
                                const QString &usage, QTextStream &out, QTextStream &err,
                                int files = 1);
// Prints errors (as text on err, or as JSON on out) and returns ExitInvalid.
int reportErrors(const ErrorList &errors, bool json, QTextStream &out, QTextStream &err);
// The damage reading `recording` met, one warning per part on err ("warning: FILE: …").
void warnOfDamage(const Recording &recording, QTextStream &err);
// "1 damaged part", "3 damaged parts".
QString damagedParts(qsizetype count);
// Runs the event loop until it is quit or the process gets SIGINT or SIGTERM.
void execUntilInterrupted();

int simulateCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int eventsCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int summaryCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int compareCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int reportCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int ingestCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int feedCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int drillCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int importCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int pushCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int pullCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int incidentsCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int verifyCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace warroom
