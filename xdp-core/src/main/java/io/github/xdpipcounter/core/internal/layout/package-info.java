/**
 * The program's own C structs ({@code bpf/include/xdp_ip_counter.h}) as
 * typed views on the jextract layouts: where the fields of keys, records,
 * statistics and globals lie. Not exported: the C contract is this
 * library's business, its API speaks of windows and sources. Besides
 * {@code core.bpf}, only this package reads the generated bindings.
 */
package io.github.xdpipcounter.core.internal.layout;
