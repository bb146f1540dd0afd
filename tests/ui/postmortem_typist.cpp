// Types into the post-mortem editor of a recording, says "typed", and waits to be killed:
// the autosave test kills it with SIGKILL and reads the recording back.
// Usage: postmortem_typist RECORDING TEXT
#include "core/replay/replay_data.h"
#include "ui/postmortem/postmortem_document.h"
#include "ui/postmortem/postmortem_editor.h"

#include <QApplication>
#include <QPlainTextEdit>
#include <QTest>

#include <cstdio>

using namespace warroom;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = QApplication::arguments();
    if (args.size() != 3)
        return 2;
    const auto data = loadReplayData(args[1]);
    if (!data)
        return 2;
    PostMortemEditor editor;
    editor.setRecording(data.value()->path, data.value()->events, data.value()->summary,
                        data.value()->postMortems);
    editor.show();
    if (!editor.document()->isOpen())
        editor.newDraft();
    QPlainTextEdit *rootCause = editor.sectionEditor(QStringLiteral("Root cause"));
    rootCause->setFocus();
    QTest::keyClicks(rootCause, args[2]);
    std::printf("typed\n");
    std::fflush(stdout);
    return app.exec(); // until killed
}
