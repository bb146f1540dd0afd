// warroom-cli verify: a recording's damage (its file's structure, every checksum), and what it
// holds, hashed from what is stored, against what it says it holds (the events_hash a
// simulation keeps): exact copies hash the same, a changed one not.
#include "cli.h"
#include "cli_command.h"
#include "core/store/content_hashes.h"
#include "core/store/recording.h"

namespace warroom {

int verifyCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("FILE"), QStringLiteral("A recording: a file, or a shared incident's "
                                               "address postgresql://HOST:PORT/DB?incident=NAME."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Hashes a recording's events and samples from "
                                                "what is stored (equal for exact copies: a file, "
                                                "the incident pushed from it, pulled back) and "
                                                "checks them against the events_hash it was "
                                                "recorded with; checks a file's structure and "
                                                "the checksum of every event, sample chunk and "
                                                "topology version, and lists what is damaged."),
                                 out, err))
        return *code;
    const QString path = parser.positionalArguments().first();
    auto opened = Recording::open(path);
    if (!opened) {
        err << opened.errors().first().toString() << '\n';
        return ExitInvalid;
    }
    const Recording &recording = *opened.value();
    recording.check(); // the file's structure and every checksum
    const ContentHashes hashes = contentHashes(recording);
    out << "events  " << hashes.events << "  sha256 " << hashes.eventsHash << '\n'
        << "samples " << hashes.samples << "  sha256 " << hashes.samplesHash << '\n';
    if (!recording.damage().isEmpty()) {
        out.flush(); // the figures first, then what they leave out
        err << path << ": damaged (what is listed was left out of the figures on stdout):\n";
        for (const QString &what : recording.damage())
            err << "  " << what << '\n';
        return ExitInvalid;
    }
    const QString recorded = opened.value()->meta(QStringLiteral("events_hash"));
    if (recorded.isEmpty()) {
        out << "(no events_hash recorded to check against: a live recording keeps none)\n";
        return ExitClean;
    }
    if (recorded.toLatin1() != hashes.eventsHash) {
        err << "warroom-cli verify: the events differ from the events_hash they were recorded "
               "with ("
            << recorded.left(16) << "…): changed after they were recorded\n";
        return ExitInvalid;
    }
    out << "events as recorded (events_hash " << recorded.left(16) << "…)\n";
    return ExitClean;
}

} // namespace warroom
