/* report.c — placeholder */
typedef int dl_placeholder_report;
