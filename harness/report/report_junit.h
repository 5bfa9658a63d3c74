/* report_junit.h: junit.xml, the shape Jenkins, GitLab and GitHub test
 * reporters read (reports/junit.xsd). */
#ifndef PF_REPORT_JUNIT_H
#define PF_REPORT_JUNIT_H

#include <stdio.h>

#include "report_model.h"

/* Writes R as JUnit XML to F: a testsuite per scenario, a testcase per
 * cell (classname pyfault.SCENARIO, name INTERPRETER), a <failure> per
 * unexpected class naming its findings and their repro, <error> for a
 * cell that could not run, <skipped> for a cell without trials. */
void pf_report_junit(FILE *f, const struct pf_results *r);

#endif
