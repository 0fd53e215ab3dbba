/* store.c — placeholder */
typedef int dl_placeholder_store;
