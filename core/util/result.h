#pragma once

#include "error.h"

#include <optional>
#include <utility>

namespace warroom {

// Either a value or the errors that prevented it (never both, never neither).
// Loaders report every problem of an input at once, hence a list.
template<typename T> class Result
{
public:
    Result(T value) // NOLINT: implicit on purpose, `return value;` reads best
        : m_value(std::move(value))
    {}
    Result(ErrorList errors) // NOLINT
        : m_errors(std::move(errors))
    {
        if (m_errors.isEmpty())
            m_errors.append(Error{QStringLiteral("unknown error"), {}, 0, 0});
    }
    Result(Error error) // NOLINT
        : m_errors{std::move(error)}
    {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }

    const ErrorList &errors() const { return m_errors; }

private:
    std::optional<T> m_value;
    ErrorList m_errors;
};

} // namespace warroom
