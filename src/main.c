#include "config.h"
#include <stdio.h>
int main(void) { puts("boxaudit " PACKAGE_VERSION); return 0; }
