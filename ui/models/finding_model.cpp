#include "finding_model.h"

#include "ui/palette.h"

namespace warroom {

namespace {

QString targetsOf(const DependencyFinding &f)
{
    const QStringList targets = f.targets();
    return targets.isEmpty() ? QString() : u" to " + targets.join(QStringLiteral(", "));
}

QString edgeLines(const DependencyFinding &f)
{
    QStringList lines;
    for (const EdgeReport &e : f.edges)
        lines.append(e.text() + (e.verdict.path.size() > 1
                                     ? u"\n    path: " + e.verdict.path.join(QStringLiteral(" → "))
                                     : QString()));
    return lines.join(u'\n');
}

} // namespace

QString toString(FindingRow::Kind kind)
{
    switch (kind) {
    case FindingRow::Kind::Live:
        return QStringLiteral("Live");
    case FindingRow::Kind::Latent:
        return QStringLiteral("Latent");
    case FindingRow::Kind::BlastRadius:
        return QStringLiteral("Blast radius");
    case FindingRow::Kind::SinglePoint:
        return QStringLiteral("Single point");
    }
    return {};
}

QList<FindingRow> findingRows(const Analysis &a)
{
    QList<FindingRow> rows;
    for (const LatentFinding &f : a.latent) {
        const QString where = f.group + u" in " + f.site;
        for (const DependencyFinding &d : f.outgoing)
            rows.append({FindingRow::Kind::Latent, d.state, where, d.dependency + targetsOf(d),
                         verdictText(d.state, d.reason),
                         u"If the autoscaler places " + f.group + u" in " + f.site +
                             u", the new instance (" + f.hypotheticalNode + u") fails:\n" +
                             edgeLines(d)});
        for (const EdgeReport &e : f.incoming)
            rows.append({FindingRow::Kind::Latent, e.verdict.state, where,
                         e.dependency + u" from " + e.fromSite + u'/' + e.from,
                         verdictText(e.verdict.state, e.verdict.reason),
                         u"A new instance of " + f.group + u" in " + f.site +
                             u" cannot be reached:\n" + e.text()});
    }
    for (const DependencyFinding &d : a.live) {
        if (!d.required && d.state != VerdictState::Blocked)
            continue;
        rows.append(
            {FindingRow::Kind::Live, d.required ? d.state : VerdictState::Unknown,
             d.site + u'/' + d.node,
             d.dependency + targetsOf(d) + (d.required ? QString() : QStringLiteral(" (optional)")),
             verdictText(d.state, d.reason), edgeLines(d), d.required});
    }
    for (const SinglePointOfFailure &s : a.singlePoints) {
        const QString what =
            s.kind == SinglePointOfFailure::Kind::Role   ? QStringLiteral("one instance")
            : s.kind == SinglePointOfFailure::Kind::Site ? QStringLiteral("cut vertex")
                                                         : QStringLiteral("bridge");
        rows.append({FindingRow::Kind::SinglePoint, VerdictState::Degraded,
                     toString(s.kind) + u' ' + s.subject, what, s.detail,
                     toString(s.kind) + u' ' + s.subject + u": " + s.detail});
    }
    for (const BlastRadius &b : a.blastRadius) {
        if (b.failing.isEmpty())
            continue;
        const QString where = b.kind == BlastRadius::Kind::RegionInternet
                                  ? QString(u"region " + b.subject + u" offline")
                                  : QString(toString(b.kind) + u' ' + b.subject + u" down");
        QStringList lines;
        for (const DependencyFinding &d : b.failing)
            lines.append(d.site + u'/' + d.node + u" needs " + d.dependency + u": " +
                         verdictText(d.state, d.reason));
        rows.append({FindingRow::Kind::BlastRadius, VerdictState::Unknown, where,
                     QString::number(b.failing.size()) +
                         (b.failing.size() == 1 ? u" dependency fails" : u" dependencies fail"),
                     b.failing.first().reason.text(),
                     (b.lostNodes.isEmpty()
                          ? QString()
                          : u"Nodes lost: " + b.lostNodes.join(QStringLiteral(", ")) + u"\n") +
                         lines.join(u'\n')});
    }
    return rows;
}

FindingModel::FindingModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void FindingModel::setAnalysis(const Analysis &analysis)
{
    beginResetModel();
    m_rows = findingRows(analysis);
    endResetModel();
}

int FindingModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FindingModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FindingModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const FindingRow &r = m_rows[index.row()];
    switch (role) {
    case SeverityRole:
        return int(r.severity);
    case DetailsRole:
        return r.details;
    case KindRole:
        return int(r.kind);
    case Qt::DecorationRole:
        return index.column() == Kind ? QVariant(verdictColor(r.severity)) : QVariant();
    case Qt::ToolTipRole:
        return r.details;
    case Qt::DisplayRole:
        switch (index.column()) {
        case Kind:
            return toString(r.kind);
        case Where:
            return r.where;
        case What:
            return r.what;
        case Why:
            return r.why;
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant FindingModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Kind:
        return tr("Finding");
    case Where:
        return tr("Where");
    case What:
        return tr("What");
    case Why:
        return tr("Why");
    default:
        return {};
    }
}

} // namespace warroom
