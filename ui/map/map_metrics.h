#pragma once

// The map's proportions, shared by its layout (map_scene_layout.cpp) and its routes
// (map_scene_routes.cpp).
namespace warroom::mapMetrics {

inline constexpr double kChipWidth = 128.0;
inline constexpr double kChipHeight = 34.0; // a node's chip: its name, its roles
inline constexpr double kRoleChipHeight =
    46.0; // a role's chip: its name on up to two lines, counts
// The gaps hops run in: between chips of a row, between rows, between sites, above the
// datacenters (under the internet band) and below them.
inline constexpr double kColGap = 14.0;
inline constexpr double kRowGap = 28.0;
inline constexpr double kRowGapLeast = 12.0;     // in a short map
inline constexpr double kChipHeightLeast = 24.0; // in a short map: a name, one line
inline constexpr double kGutter = 24.0;
inline constexpr double kCorridor = 40.0; // (a short map: kShortBy less)
inline constexpr double kLane = 18.0;
inline constexpr double kShortMap = 450.0;    // a map less tall than this has narrower corridors
inline constexpr double kSmallestMap = 120.0; // a map smaller than this draws nothing
inline constexpr double kShortBy = 12.0;
inline constexpr double kBandTitle = 30.0;      // the internet band's title line
inline constexpr int kBandColumns = 8;          // chips per row in the internet band
inline constexpr double kBandMargin = 10.0;     // above and below a one-row internet band's chips
inline constexpr double kBandChipLeast = 96.0;  // its chips' width when its title is beside them
inline constexpr double kBandTitleShare = 0.35; // of its width, at most, for that title (wrapped)
inline constexpr double kTrackSpacing = 5.0;    // between hops that share a gap
inline constexpr double kCornerRadius = 6.0;
inline constexpr double kNarrowest = 72.0;    // a chip narrower than this has no room for labels
inline constexpr double kRoleNameRoom = 16.0; // a narrow role chip's width beside its name
inline constexpr int kBundleAbove = 12;       // more hops than this between two sites: one bundle
inline constexpr int kOrderedAtMost = 400; // more chips in a site: squares, not ordered or fitted

} // namespace warroom::mapMetrics
