// The plugin's passes are listed next to nn-opt's own, with their summaries.
// RUN: nn-opt --load-plugin=ex_plugin --list-passes | filecheck %s
// RUN: nn-opt --list-passes | filecheck %s --check-prefix=WITHOUT

// CHECK: convert-ex-to-linalg
// CHECK-NEXT: Lower ex.softsign on tensors to a linalg.generic that applies ex.softsign_f.
// CHECK: ex-expand-softsign
// CHECK-NEXT: Rewrite ex.softsign_f into arith and math ops
// WITHOUT-NOT: ex-expand-softsign
