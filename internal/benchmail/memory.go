package benchmail

import (
	"bufio"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PeakRSS returns the process's peak resident set size in bytes (VmHWM on Linux), or 0 where unknown.
func PeakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// ResetPeakRSS starts a new peak for PeakRSS (Linux: /proc/self/clear_refs); it reports whether it could.
func ResetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// HeapSampler records the high-water mark of the heap in use (runtime.MemStats.HeapInuse: objects plus the free
// space of spans holding objects), sampled every millisecond without stopping the world.
type HeapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes"}

// heapInuse reads HeapInuse from runtime/metrics.
func heapInuse(s []metrics.Sample) uint64 {
	metrics.Read(s)
	var n uint64
	for _, m := range s {
		if m.Value.Kind() == metrics.KindUint64 {
			n += m.Value.Uint64()
		}
	}
	return n
}

// StartHeapSampler starts sampling.
func StartHeapSampler() *HeapSampler {
	h := &HeapSampler{stop: make(chan struct{})}
	s := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		s[i].Name = name
	}
	h.peak = heapInuse(s)
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				h.peak = max(h.peak, heapInuse(s))
				return
			case <-t.C:
				h.peak = max(h.peak, heapInuse(s))
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the high-water mark in bytes.
func (h *HeapSampler) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	return h.peak
}
