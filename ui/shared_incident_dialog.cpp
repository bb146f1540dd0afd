#include "shared_incident_dialog.h"

#include "core/store/shared_address.h"
#include "core/store/shared_copy.h"
#include "core/util/handover.h"

#include <QColor>
#include <QCoreApplication>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QThreadPool>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace warroom {

namespace {

constexpr auto kLastDatabase = "shared/lastDatabase";

} // namespace

namespace {

// The address without its incident: the database.
QString databaseOf(const QString &address)
{
    QUrl url(address.trimmed());
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("incident"));
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

} // namespace

SharedIncidentDialog::SharedIncidentDialog(const QString &current, QWidget *parent)
    : QDialog(parent)
    , m_database(new QLineEdit(this))
    , m_incidents(new QListWidget(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Open shared incident"));
    auto *layout = new QVBoxLayout(this);
    auto *explain = new QLabel(
        tr("The database the team shares incidents in, such as "
           "<tt>postgresql://HOST:PORT/DATABASE?user=NAME</tt> (no password: libpq reads it "
           "from ~/.pgpass or a service file)."),
        this);
    explain->setWordWrap(true);
    layout->addWidget(explain);
    auto *row = new QHBoxLayout;
    m_database->setPlaceholderText(QStringLiteral("postgresql://127.0.0.1:5432/warroom"));
    if (isSharedAddress(current)) {
        m_database->setText(databaseOf(current));
        m_choose =
            QUrlQuery(QUrl(current)).queryItemValue(QStringLiteral("incident"), QUrl::FullyDecoded);
    } else {
        m_database->setText(QSettings().value(QLatin1StringView(kLastDatabase)).toString());
    }
    row->addWidget(m_database, 1);
    auto *listButton = new QPushButton(tr("&List incidents"), this);
    row->addWidget(listButton);
    layout->addLayout(row);
    // A long title is cut at its end, not scrolled sideways; its whole line on hover.
    m_incidents->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_incidents->setTextElideMode(Qt::ElideRight);
    layout->addWidget(m_incidents, 1);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    QPushButton *open = buttons->button(QDialogButtonBox::Open);
    open->setEnabled(false);
    layout->addWidget(buttons);
    resize(720, 420);

    connect(listButton, &QPushButton::clicked, this, &SharedIncidentDialog::list);
    connect(m_database, &QLineEdit::returnPressed, this, &SharedIncidentDialog::list);
    connect(m_incidents, &QListWidget::currentRowChanged, this,
            [open](int row) { open->setEnabled(row >= 0); });
    connect(m_incidents, &QListWidget::itemActivated, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (m_incidents->currentItem())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (!m_database->text().isEmpty())
        list();
}

void SharedIncidentDialog::list()
{
    const auto address = parseSharedAddress(databaseOf(m_database->text()));
    m_incidents->clear();
    if (!address) {
        m_status->setText(address.errors().first().message);
        return;
    }
    m_status->setText(tr("Asking %1…").arg(address.value().display));
    const int asked = ++m_listing;
    QPointer<SharedIncidentDialog> self(this);
    startInPool(QThreadPool::globalInstance(), [self, asked, where = address.value()] {
        auto found = listIncidents(where);
        postTo(QCoreApplication::instance(), [self, asked, where, found = std::move(found)] {
            if (!self || asked != self->m_listing)
                return;
            if (!found) {
                self->m_status->setText(found.errors().first().message);
                return;
            }
            QSettings().setValue(QLatin1StringView(kLastDatabase),
                                 databaseOf(self->m_database->text()));
            int chosen = 0;
            for (const SharedIncident &i : found.value()) {
                auto *item = new QListWidgetItem(
                    (i.live ? tr("● LIVE  ") : QString()) +
                        // The title last: what is cut when the line is too long.
                        tr("%1 · %Ln events · shared %2 UTC — %3", nullptr, int(i.events))
                            .arg(i.name,
                                 QDateTime::fromMSecsSinceEpoch(i.createdMs, Qt::UTC)
                                     .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                 i.title.isEmpty() ? tr("(untitled)") : i.title),
                    self->m_incidents);
                item->setData(Qt::UserRole, i.name);
                item->setToolTip(item->text());
                if (i.live) {
                    item->setForeground(QColor(0xD5, 0x5E, 0x00));
                    item->setToolTip(item->text() + u'\n' + tr("Being written now: opens live"));
                }
                if (i.name == self->m_choose)
                    chosen = self->m_incidents->count() - 1;
            }
            self->m_status->setText(
                found.value().isEmpty()
                    ? tr("No incident in %1 yet.").arg(where.display)
                    : tr("%n incident(s) in %1.", nullptr, int(found.value().size()))
                          .arg(where.display));
            if (self->m_incidents->count() > 0)
                self->m_incidents->setCurrentRow(chosen);
        });
    });
}

QString SharedIncidentDialog::incidentAddress() const
{
    const QListWidgetItem *item = m_incidents->currentItem();
    if (!item)
        return {};
    QUrl url(databaseOf(m_database->text()));
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("incident"));
    query.addQueryItem(QStringLiteral("incident"), item->data(Qt::UserRole).toString());
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

} // namespace warroom
