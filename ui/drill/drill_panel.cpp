#include "drill_panel.h"

#include "core/replay/replay_data.h"
#include "core/store/shared_address.h"
#include "core/util/duration.h"
#include "ui/live_listener.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace warroom {

namespace {

struct KindChoice
{
    DrillFault::Kind kind;
    const char *label;
};
const KindChoice kKinds[] = {
    {DrillFault::Kind::Block,
     QT_TRANSLATE_NOOP("DrillPanel", "Block traffic from a site to another")},
    {DrillFault::Kind::CutLink, QT_TRANSLATE_NOOP("DrillPanel", "Cut a link")},
    {DrillFault::Kind::CutSite, QT_TRANSLATE_NOOP("DrillPanel", "Cut a site off")},
    {DrillFault::Kind::Crash, QT_TRANSLATE_NOOP("DrillPanel", "Crash a node")},
    {DrillFault::Kind::Spike, QT_TRANSLATE_NOOP("DrillPanel", "Load spike")},
};
const std::pair<const char *, qint64> kDurations[] = {
    {QT_TRANSLATE_NOOP("DrillPanel", "until the drill ends"), 0},
    {QT_TRANSLATE_NOOP("DrillPanel", "for 2 minutes"), 120000},
    {QT_TRANSLATE_NOOP("DrillPanel", "for 10 minutes"), 600000},
    {QT_TRANSLATE_NOOP("DrillPanel", "for 30 minutes"), 1800000},
    {QT_TRANSLATE_NOOP("DrillPanel", "for 2 hours"), 7200000},
};

} // namespace

DrillPanel::DrillPanel(LiveListener *listener, const DrillOptions &options, QWidget *parent)
    : QWidget(parent)
    , m_listener(listener)
    , m_options(options)
    , m_kind(new QComboBox)
    , m_target(new QComboBox)
    , m_to(new QComboBox)
    , m_factor(new QDoubleSpinBox)
    , m_duration(new QComboBox)
    , m_inject(new QPushButton(tr("Inject")))
    , m_reveal(new QPushButton(tr("Reveal the root cause to the trainees")))
    , m_status(new QLabel)
    , m_trainees(new QLabel)
    , m_faults(new QTableWidget(0, 4))
{
    for (const KindChoice &k : kKinds)
        m_kind->addItem(tr(k.label), int(k.kind));
    for (const auto &[label, ms] : kDurations)
        m_duration->addItem(tr(label), ms);
    m_factor->setRange(0.1, 50.0);
    m_factor->setValue(3.0);
    m_factor->setSuffix(QStringLiteral(" ×"));
    auto *form = new QFormLayout;
    form->addRow(tr("Fault"), m_kind);
    form->addRow(tr("Target"), m_target);
    form->addRow(tr("To"), m_to);
    form->addRow(tr("Load"), m_factor);
    form->addRow(tr("How long"), m_duration);
    m_faults->setHorizontalHeaderLabels(
        {tr("Injected (UTC)"), tr("Fault"), tr("By"), tr("Diagnosed after")});
    m_faults->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_faults->verticalHeader()->hide();
    m_faults->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_faults->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_status->setWordWrap(true);
    auto *title = new QLabel(tr("<b>Instructor</b>"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_status);
    layout->addWidget(m_trainees);
    m_trainees->setWordWrap(true);
    m_trainees->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addLayout(form);
    layout->addWidget(m_inject);
    layout->addWidget(m_reveal);
    auto *faultsTitle = new QLabel(tr("Faults injected, and how long the trainees took to mark "
                                      "a diagnosis in their post-mortem:"));
    faultsTitle->setWordWrap(true);
    layout->addWidget(faultsTitle);
    layout->addWidget(m_faults, 1);
    m_reveal->setEnabled(options.hideRootCause);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] { fillTargets(); });
    connect(m_inject, &QPushButton::clicked, this, &DrillPanel::inject);
    connect(m_reveal, &QPushButton::clicked, this, &DrillPanel::reveal);
    connect(m_listener, &LiveListener::injected, this,
            [this](const DrillFault &fault, const QString &error) {
                m_status->setText(
                    error.isEmpty() ? tr("Injected: %1 %2 (by %3)")
                                          .arg(toString(fault.kind), fault.target, fault.injectedBy)
                                    : tr("Not injected: %1").arg(error));
            });
    connect(m_listener, &LiveListener::drillEnded, this, [this] {
        m_status->setText(tr("The scenario has ended: the recording replays and can be written "
                             "up like any other."));
        stopWaiting();
    });
    connect(m_listener, &LiveListener::failed, this, [this](const QString &message) {
        m_status->setText(tr("The drill did not start: %1").arg(message));
        stopWaiting();
    });
    m_inject->setEnabled(false); // until the drill's topology gives the targets
    fillTargets();
    m_status->setText(tr("The simulator plays the scenario at %1× from here. %2")
                          .arg(options.speed)
                          .arg(options.hideRootCause
                                   ? tr("Trainees see no rule names until you reveal them.")
                                   : tr("Trainees see everything.")));
}

void DrillPanel::update(const ReplayData &data)
{
    m_trainees->setText(
        tr("Trainees open: <tt>%1</tt>").arg(traineeCommand(data.path).toHtmlEscaped()) +
        (isSharedAddress(data.path)
             ? tr("<br>ROLE: each trainee's own login role in <tt>warroom_trainee</tt>, which "
                  "PostgreSQL lets read only the hidden view (docs/shared.md)")
             : QString()));
    if (m_topology.sites.isEmpty() && !data.first.sites.isEmpty()) {
        m_topology = data.first;
        fillTargets();
        if (m_waitingFault)
            setFault(*std::exchange(m_waitingFault, std::nullopt));
        m_inject->setEnabled(!m_ended);
        if (std::exchange(m_injectWhenKnown, false) && !m_ended)
            inject();
    }
    QList<Event> faults;
    for (const Event &e : data.events) {
        if (e.kind == EventKind::FaultStarted)
            faults.append(e);
        else if (e.kind == EventKind::Annotation && e.subject == u"drill.reveal")
            m_revealed = true;
    }
    m_reveal->setEnabled(m_options.hideRootCause && !m_revealed);
    if (m_revealed)
        m_reveal->setText(tr("Root cause revealed"));
    const QList<DrillFaultOutcome> outcomes = drillOutcomes(faults, data.postMortems);
    m_faults->setRowCount(int(outcomes.size()));
    for (int row = 0; row < outcomes.size(); ++row) {
        const DrillFaultOutcome &o = outcomes[row];
        const QStringList cells = {formatUtc(o.timeMs).mid(11), o.text, o.injectedBy,
                                   o.diagnosedAfterMs < 0 ? tr("not yet")
                                                          : formatDuration(o.diagnosedAfterMs)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = m_faults->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_faults->setItem(row, column, item);
            }
            item->setText(cells[column]);
        }
    }
    m_faults->resizeColumnToContents(0);
}

void DrillPanel::fillTargets()
{
    const auto kind = DrillFault::Kind(m_kind->currentData().toInt());
    const QString before = m_target->currentText();
    m_target->clear();
    m_to->clear();
    QStringList sites;
    for (const Site &s : m_topology.sites)
        sites.append(s.id);
    switch (kind) {
    case DrillFault::Kind::Block:
    case DrillFault::Kind::CutSite:
        m_target->addItems(sites);
        break;
    case DrillFault::Kind::CutLink:
        for (const Link &l : m_topology.links)
            m_target->addItem(l.id);
        break;
    case DrillFault::Kind::Crash:
        for (const Node &n : m_topology.nodes)
            m_target->addItem(n.id);
        break;
    case DrillFault::Kind::Spike:
        break;
    }
    if (kind == DrillFault::Kind::Block)
        m_to->addItems(sites);
    m_target->setCurrentText(before);
    m_target->setEnabled(kind != DrillFault::Kind::Spike);
    m_to->setEnabled(kind == DrillFault::Kind::Block);
    m_factor->setEnabled(kind == DrillFault::Kind::Spike);
}

DrillFault DrillPanel::fault() const
{
    DrillFault f;
    f.kind = DrillFault::Kind(m_kind->currentData().toInt());
    f.target = m_target->currentText();
    f.to = m_to->currentText();
    f.factor = m_factor->value();
    f.forMs = m_duration->currentData().toLongLong();
    f.injectedBy = m_options.instructor;
    return f;
}

void DrillPanel::stopWaiting()
{
    m_inject->setEnabled(false);
    m_ended = true;
    m_waitingFault.reset();
    m_injectWhenKnown = false;
}

void DrillPanel::setFault(const DrillFault &f)
{
    m_kind->setCurrentIndex(m_kind->findData(int(f.kind)));
    if (m_topology.sites.isEmpty()) {
        m_waitingFault = f;
        return;
    }
    fillTargets();
    m_target->setCurrentText(f.target);
    m_to->setCurrentText(f.to);
    m_factor->setValue(f.factor);
    const int duration = m_duration->findData(f.forMs);
    if (duration >= 0)
        m_duration->setCurrentIndex(duration);
}

void DrillPanel::inject()
{
    if (m_topology.sites.isEmpty()) {
        m_injectWhenKnown = true;
        m_status->setText(tr("Injecting once the drill's topology is in…"));
        return;
    }
    m_status->setText(tr("Injecting…"));
    m_listener->inject(fault());
}

void DrillPanel::reveal()
{
    m_listener->reveal(m_options.instructor);
    m_reveal->setEnabled(false);
}

QString DrillPanel::statusText() const
{
    return m_status->text();
}

int DrillPanel::faultRows() const
{
    return m_faults->rowCount();
}

QString DrillPanel::faultRow(int row) const
{
    QStringList cells;
    for (int column = 0; column < m_faults->columnCount(); ++column)
        cells.append(m_faults->item(row, column) ? m_faults->item(row, column)->text() : QString());
    return cells.join(QStringLiteral(" | "));
}

} // namespace warroom
