/** Small helpers shared by the modules that sit on top of the TSDB (file-name patterns). */
package dev.sextant.tsdb.util;
