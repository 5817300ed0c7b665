// Writes the golden families of ExpositionEncoderTests.swift with Prometheus' own Go encoder
// (prometheus/common expfmt), after client_golang's normalization, so that the Swift golden
// files can be compared with what Prometheus itself produces. Run by .ci/check-golden.sh.
package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"
)

type sample struct {
	labels map[string]string
	value  float64
}

func family(name, help string, typ dto.MetricType, samples ...sample) *dto.MetricFamily {
	mf := &dto.MetricFamily{Name: proto.String(name), Help: proto.String(help), Type: typ.Enum()}
	for _, s := range samples {
		m := &dto.Metric{}
		names := make([]string, 0, len(s.labels))
		for n := range s.labels {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			m.Label = append(m.Label, &dto.LabelPair{Name: proto.String(n), Value: proto.String(s.labels[n])})
		}
		if typ == dto.MetricType_COUNTER {
			m.Counter = &dto.Counter{Value: proto.Float64(s.value)}
		} else {
			m.Gauge = &dto.Gauge{Value: proto.Float64(s.value)}
		}
		mf.Metric = append(mf.Metric, m)
	}
	// client_golang's NormalizeMetricFamilies: metrics sorted by label values.
	sort.Slice(mf.Metric, func(i, j int) bool {
		a, b := mf.Metric[i].Label, mf.Metric[j].Label
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		for k := range a {
			if a[k].GetValue() != b[k].GetValue() {
				return a[k].GetValue() < b[k].GetValue()
			}
		}
		return false
	})
	return mf
}

func main() {
	g, c := dto.MetricType_GAUGE, dto.MetricType_COUNTER
	families := []*dto.MetricFamily{
		family("escape_test", "Help with a backslash \\ and a\nnewline and \"quotes\".", g,
			sample{map[string]string{"path": "C:\\dir", "msg": "say \"hi\"\nbye"}, 0.5}),
		family("github_copilot_api_requests_total", "GitHub API responses by HTTP status code.", c,
			sample{map[string]string{"code": "304"}, 7}, sample{map[string]string{"code": "200"}, 1234}),
		family("github_copilot_seats", "Copilot seats currently billed.", g,
			sample{map[string]string{"org": "zeta"}, 3}, sample{map[string]string{"org": "alpha"}, 1000000},
			sample{map[string]string{"enterprise": "acme"}, 12}, sample{map[string]string{"org": "beta"}, 0}),
		family("special_values", "NaN and infinities.", g,
			sample{map[string]string{"kind": "nan"}, math.NaN()}, sample{map[string]string{"kind": "inf"}, math.Inf(1)},
			sample{map[string]string{"kind": "neg"}, math.Inf(-1)}),
		family("timestamp_seconds", "A Unix time.", g, sample{map[string]string{}, 1763912345}),
	}
	var text, om bytes.Buffer
	for _, mf := range families {
		if _, err := expfmt.MetricFamilyToText(&text, mf); err != nil {
			panic(err)
		}
		if _, err := expfmt.MetricFamilyToOpenMetrics(&om, mf); err != nil {
			panic(err)
		}
	}
	if _, err := expfmt.FinalizeOpenMetrics(&om); err != nil {
		panic(err)
	}
	dir := os.Args[1]
	must(os.WriteFile(dir+"/families.prom", text.Bytes(), 0o644))
	must(os.WriteFile(dir+"/families.openmetrics", om.Bytes(), 0o644))
	fmt.Println(strings.TrimSpace("wrote " + dir))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
