// Package codegenhost answers a language host's code generation calls (GeneratePackage, GenerateProgram,
// GenerateProject) with Pulumi's own generators from github.com/pulumi/pulumi/pkg/v3/codegen, the way
// Pulumi's hosts for that language do: the same schema binding and validation options, the same PCL bind
// options, diagnostics returned in the response rather than as errors, and files written under the requested
// directory. Each host supplies its language's generator functions; the request handling is shared.
package codegenhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	"github.com/hashicorp/hcl/v2"
	hclsyntax "github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Generators holds one language's generators.
type Generators struct {
	// Package generates an SDK for a bound schema. extraFiles are copied into the output as they are;
	// localDependencies and local are the request's, for the languages that use them.
	Package func(pkg *schema.Package, extraFiles map[string][]byte, localDependencies map[string]string,
		local bool, loader schema.ReferenceLoader) (map[string][]byte, error)
	// Program generates a program's source files from a bound PCL program.
	Program func(program *pcl.Program) (map[string][]byte, hcl.Diagnostics, error)
	// Project writes a whole project (program, Pulumi.yaml, dependency manifest) into directory.
	Project func(directory string, project workspace.Project, program *pcl.Program,
		localDependencies map[string]string) error
}

// Both of Pulumi's hosts built on these generators (nodejs and python) prefer output-versioned invokes.
func bindOptions(strict bool) []pcl.BindOption {
	options := []pcl.BindOption{pcl.PreferOutputVersionedInvokes}
	if !strict {
		options = append(options, pcl.NonStrictBindOptions()...)
	}
	return options
}

func connect(target string) (*schema.LoaderClient, schema.ReferenceLoader, error) {
	client, err := schema.NewLoaderClient(target)
	if err != nil {
		return nil, nil, err
	}
	return client, schema.NewCachedLoader(client), nil
}

// GeneratePackage binds the request's schema (dangling references allowed, as `pulumi package gen-sdk`
// expects) and writes the generated SDK under req.Directory.
func (g Generators) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	client, loader, err := connect(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer client.Close()

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	diagnostics := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: diagnostics}, nil
	}

	files, err := g.Package(pkg, req.GetExtraFiles(), req.GetLocalDependencies(), req.GetLocal(), loader)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		path := filepath.Join(req.GetDirectory(), name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("could not create output directory %s: %w", filepath.Dir(name), err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, fmt.Errorf("could not write output file %s: %w", name, err)
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: diagnostics}, nil
}

// GenerateProgram turns PCL sources (what `pulumi import` and `pulumi convert` produce) into this language's
// program files.
func (g Generators) GenerateProgram(
	_ context.Context, req *pulumirpc.GenerateProgramRequest,
) (*pulumirpc.GenerateProgramResponse, error) {
	client, loader, err := connect(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer client.Close()

	parser := hclsyntax.NewParser()
	for name, source := range req.GetSource() {
		if err := parser.ParseFile(strings.NewReader(source), name); err != nil {
			return nil, err
		}
		if parser.Diagnostics.HasErrors() {
			return nil, parser.Diagnostics
		}
	}
	program, diags, err := pcl.BindProgram(parser.Files, loader, bindOptions(req.GetStrict())...)
	if err != nil {
		return nil, err
	}
	diagnostics := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GenerateProgramResponse{Diagnostics: diagnostics}, nil
	}
	if program == nil {
		return nil, errors.New("internal error program was nil")
	}

	files, genDiags, err := g.Program(program)
	if err != nil {
		return nil, err
	}
	diagnostics = append(diagnostics, plugin.HclDiagnosticsToRPCDiagnostics(genDiags)...)
	return &pulumirpc.GenerateProgramResponse{Source: files, Diagnostics: diagnostics}, nil
}

// GenerateProject binds the PCL in req.SourceDirectory and writes a complete project to req.TargetDirectory.
func (g Generators) GenerateProject(
	_ context.Context, req *pulumirpc.GenerateProjectRequest,
) (*pulumirpc.GenerateProjectResponse, error) {
	client, loader, err := connect(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer client.Close()

	program, diags, err := pcl.BindDirectory(req.GetSourceDirectory(), loader, bindOptions(req.GetStrict())...)
	if err != nil {
		return nil, err
	}
	diagnostics := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GenerateProjectResponse{Diagnostics: diagnostics}, nil
	}

	var project workspace.Project
	if err := json.Unmarshal([]byte(req.GetProject()), &project); err != nil {
		return nil, err
	}
	if err := g.Project(req.GetTargetDirectory(), project, program, req.GetLocalDependencies()); err != nil {
		return nil, err
	}
	return &pulumirpc.GenerateProjectResponse{Diagnostics: diagnostics}, nil
}

// Connect opens the engine's schema loader at target (a request's LoaderTarget), cached for one request.
func Connect(target string) (io.Closer, schema.ReferenceLoader, error) {
	return connect(target)
}

// LoadPackage loads the schema of a package a Link request names, through the engine's loader (which knows
// the schema of a package generated from a local file), with the language section for language decoded by
// importer, as Pulumi's hosts load it.
func LoadPackage(
	ctx context.Context, loader schema.ReferenceLoader, dep *pulumirpc.PackageDependency,
	language string, importer schema.Language,
) (schema.PackageReference, *schema.Package, error) {
	descriptor := &schema.PackageDescriptor{
		Name: dep.GetName(), Version: parseVersion(dep.GetVersion()), DownloadURL: dep.GetServer(),
	}
	if p := dep.GetParameterization(); p != nil {
		descriptor.Parameterization = &schema.ParameterizationDescriptor{Name: p.GetName(), Value: p.GetValue()}
		if v := parseVersion(p.GetVersion()); v != nil {
			descriptor.Parameterization.Version = *v
		}
	}
	ref, err := schema.LoadPackageReferenceV2(ctx, loader, descriptor)
	if err != nil {
		return nil, nil, err
	}
	pkg, err := ref.Definition()
	if err != nil {
		return nil, nil, err
	}
	if err := pkg.ImportLanguages(map[string]schema.Language{language: importer}); err != nil {
		return nil, nil, err
	}
	return ref, pkg, nil
}

// parseVersion is nil for an empty or malformed version: the package is then loaded without one, as in
// Pulumi's hosts.
func parseVersion(version string) *semver.Version {
	v, err := semver.New(version)
	if err != nil {
		return nil
	}
	return v
}
