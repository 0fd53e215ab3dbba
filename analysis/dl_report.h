/* dl_report.h — placeholder */
#ifndef DL_REPORT_H
#define DL_REPORT_H
#endif
