/* stats.c — placeholder */
typedef int dl_placeholder_stats;
