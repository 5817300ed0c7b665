// Serves the series of an exposition file with Prometheus' Go client library (promhttp), the
// way a Go exporter would: a Collector that builds const metrics on every scrape.
// Usage: serve_go EXPOSITION PORT   (GOPATH mode with Debian's golang packages)
package main

import (
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

type replay struct{ families map[string]*dto.MetricFamily }

func (r replay) Describe(chan<- *prometheus.Desc) {}

func (r replay) Collect(ch chan<- prometheus.Metric) {
	for _, mf := range r.families {
		for _, m := range mf.Metric {
			names, values := []string{}, []string{}
			for _, l := range m.Label {
				names = append(names, l.GetName())
				values = append(values, l.GetValue())
			}
			desc := prometheus.NewDesc(mf.GetName(), mf.GetHelp(), names, nil)
			if mf.GetType() == dto.MetricType_COUNTER {
				ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, m.GetCounter().GetValue(), values...)
			} else {
				ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, m.GetGauge().GetValue(), values...)
			}
		}
	}
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		panic(err)
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(replay{families})
	http.Handle("/metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	panic(http.ListenAndServe("127.0.0.1:"+os.Args[2], nil))
}
