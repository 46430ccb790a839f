/**
 * The scrape manager: discovery (static, file, Kubernetes), relabeling, exposition parsing and the
 * scrape loops that append to the {@code tsdb.storage} contracts. It depends on nothing from tsdb
 * but {@code tsdb.model} and {@code tsdb.storage}.
 */
package dev.sextant.scrape;
