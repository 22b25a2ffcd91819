import { Center, Container } from '@mantine/core'
import { lazy, type ReactNode } from 'react'
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router'
import { useMe } from './api/queries.ts'
import type { Permission } from './api/types.ts'
import { ForgotPasswordPage } from './auth/ForgotPasswordPage.tsx'
import { InvitePage } from './auth/InvitePage.tsx'
import { ResetPasswordPage } from './auth/ResetPasswordPage.tsx'
import { SignInPage } from './auth/SignInPage.tsx'
import { SignUpPage } from './auth/SignUpPage.tsx'
import { CreateOrganisationPage } from './org/CreateOrganisationPage.tsx'
import { OrganisationProvider, useOrganisation } from './org/OrganisationContext.tsx'
import { AuditPage } from './pages/AuditPage.tsx'
import { DashboardPage } from './pages/DashboardPage.tsx'
import { MembersPage } from './pages/MembersPage.tsx'
import { NoAccessPage, NotFoundPage } from './pages/PlaceholderPages.tsx'
import { ProfilePage } from './pages/ProfilePage.tsx'
import { AppLayout } from './shell/AppLayout.tsx'
import { LazyPage } from './shell/LazyPage.tsx'
import { ErrorState, PageLoader } from './shell/Page.tsx'

// The screening pages load CodeMirror and, on demand, the screening engine: separate chunks.
const CheckDraftPage = lazy(() =>
  import('./screening/CheckDraftPage.tsx').then((m) => ({ default: m.CheckDraftPage })),
)
const ScreeningPolicyPage = lazy(() =>
  import('./screening/ScreeningPolicyPage.tsx').then((m) => ({ default: m.ScreeningPolicyPage })),
)
// Content: the list and the item editor (CodeMirror and the screening engine) in their own chunks.
const ContentListPage = lazy(() =>
  import('./content/ContentListPage.tsx').then((m) => ({ default: m.ContentListPage })),
)
const ReviewQueuePage = lazy(() =>
  import('./content/ContentListPage.tsx').then((m) => ({ default: m.ReviewQueuePage })),
)
const ItemEditorPage = lazy(() =>
  import('./content/ItemEditorPage.tsx').then((m) => ({ default: m.ItemEditorPage })),
)
// Publishing: the organisation's channels and the platform sign-in callback.
const ChannelsPage = lazy(() =>
  import('./publishing/ChannelsPage.tsx').then((m) => ({ default: m.ChannelsPage })),
)
const FediversePage = lazy(() =>
  import('./publishing/FediversePage.tsx').then((m) => ({ default: m.FediversePage })),
)
const OAuthCallbackPage = lazy(() =>
  import('./publishing/ChannelsPage.tsx').then((m) => ({ default: m.OAuthCallbackPage })),
)
const ReviewsPage = lazy(() => import('./review/ReviewPage.tsx').then((m) => ({ default: m.ReviewsPage })))
const ReviewPage = lazy(() => import('./review/ReviewPage.tsx').then((m) => ({ default: m.ReviewPage })))
const NotificationsPage = lazy(() =>
  import('./notifications/NotificationsPage.tsx').then((m) => ({ default: m.NotificationsPage })),
)
const SettingsPage = lazy(() => import('./pages/SettingsPage.tsx').then((m) => ({ default: m.SettingsPage })))
// Professional standards: training, disclosures and the public pages, each in its own chunk.
const TrainingPage = lazy(() =>
  import('./training/TrainingPage.tsx').then((m) => ({ default: m.TrainingPage })),
)
const LessonPage = lazy(() => import('./training/LessonPage.tsx').then((m) => ({ default: m.LessonPage })))
const AssessmentPage = lazy(() =>
  import('./training/AssessmentPage.tsx').then((m) => ({ default: m.AssessmentPage })),
)
const ResearchPage = lazy(() =>
  import('./learning/analysis/ResearchPage.tsx').then((m) => ({ default: m.ResearchPage })),
)
const EngagementPage = lazy(() =>
  import('./learning/metrics/EngagementPage.tsx').then((m) => ({ default: m.EngagementPage })),
)
const SurveysPage = lazy(() => import('./surveys/SurveysPage.tsx').then((m) => ({ default: m.SurveysPage })))
const NewSurveyPage = lazy(() =>
  import('./surveys/SurveysPage.tsx').then((m) => ({ default: m.NewSurveyPage })),
)
const SurveyPage = lazy(() => import('./surveys/SurveysPage.tsx').then((m) => ({ default: m.SurveyPage })))
const LrsClientsPage = lazy(() =>
  import('./learning/LrsClientsPage.tsx').then((m) => ({ default: m.LrsClientsPage })),
)
const TrainingAdminPage = lazy(() =>
  import('./training/TrainingAdminPage.tsx').then((m) => ({ default: m.TrainingAdminPage })),
)
const DisclosuresPage = lazy(() =>
  import('./disclosures/DisclosuresPage.tsx').then((m) => ({ default: m.DisclosuresPage })),
)
const OrganisationDisclosuresPage = lazy(() =>
  import('./disclosures/OrganisationDisclosuresPage.tsx').then((m) => ({
    default: m.OrganisationDisclosuresPage,
  })),
)
const AuthorCardPage = lazy(() =>
  import('./public/AuthorCardPage.tsx').then((m) => ({ default: m.AuthorCardPage })),
)
const CredentialVerificationPage = lazy(() =>
  import('./public/CredentialVerificationPage.tsx').then((m) => ({ default: m.CredentialVerificationPage })),
)
const CertificateVerificationPage = lazy(() =>
  import('./public/CertificateVerificationPage.tsx').then((m) => ({
    default: m.CertificateVerificationPage,
  })),
)

/** Everything behind sign-in: loads the session, then the shell with the organisation context. */
function SignedIn() {
  const me = useMe()
  const location = useLocation()
  if (me.isPending) {
    return (
      <Center mih="100dvh">
        <PageLoader />
      </Center>
    )
  }
  if (me.isError) {
    return (
      <Container size={520} py="xl">
        <ErrorState error={me.error} title="Could not reach Rounds" onRetry={() => me.refetch()} />
      </Container>
    )
  }
  if (!me.data) {
    const here = location.pathname + location.search
    const query = here === '/' ? '' : `?redirect=${encodeURIComponent(here)}`
    return <Navigate to={`/sign-in${query}`} replace />
  }
  return (
    <OrganisationProvider me={me.data}>
      <AppLayout>
        <Outlet />
      </AppLayout>
    </OrganisationProvider>
  )
}

/** Pages that work inside an organisation: without one, the person is sent to create one. */
function InOrganisation() {
  const { organisation } = useOrganisation()
  if (!organisation) return <Navigate to="/organisations/new" replace />
  return <Outlet />
}

function Permitted({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { can } = useOrganisation()
  return can(permission) ? children : <NoAccessPage permission={permission} />
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/sign-up" element={<SignUpPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/invite/:token" element={<InvitePage />} />
      {/* Public: no sign-in. */}
      <Route
        path="/authors/:userId"
        element={
          <LazyPage>
            <AuthorCardPage />
          </LazyPage>
        }
      />
      <Route
        path="/credentials/verify"
        element={
          <LazyPage>
            <CredentialVerificationPage />
          </LazyPage>
        }
      />
      <Route
        path="/certificates/:certificateId"
        element={
          <LazyPage>
            <CertificateVerificationPage />
          </LazyPage>
        }
      />
      <Route element={<SignedIn />}>
        <Route path="/organisations/new" element={<CreateOrganisationPage />} />
        <Route path="/profile" element={<ProfilePage />} />
        {/* One's own notifications, from every organisation. */}
        <Route
          path="/notifications"
          element={
            <LazyPage>
              <NotificationsPage />
            </LazyPage>
          }
        />
        {/* One's own register is personal, kept across organisations. */}
        <Route
          path="/disclosures"
          element={
            <LazyPage>
              <DisclosuresPage />
            </LazyPage>
          }
        />
        <Route element={<InOrganisation />}>
          <Route index element={<DashboardPage />} />
          <Route
            path="/check"
            element={
              <Permitted permission="screening.use">
                <LazyPage>
                  <CheckDraftPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/content"
            element={
              <Permitted permission="content.create">
                <LazyPage>
                  <ContentListPage />
                </LazyPage>
              </Permitted>
            }
          />
          {/* Authors edit their own items; editors read everyone's (the server decides who may read). */}
          <Route
            path="/content/:itemId"
            element={
              <Permitted permission="screening.use">
                <LazyPage>
                  <ItemEditorPage />
                </LazyPage>
              </Permitted>
            }
          />
          {/* Every member may study and be assessed; authors have Training in their navigation. */}
          <Route
            path="/training"
            element={
              <LazyPage>
                <TrainingPage />
              </LazyPage>
            }
          />
          <Route
            path="/training/lessons/:lessonId"
            element={
              <LazyPage>
                <LessonPage />
              </LazyPage>
            }
          />
          <Route
            path="/training/attempts/:attemptId"
            element={
              <LazyPage>
                <AssessmentPage />
              </LazyPage>
            }
          />
          <Route
            path="/disclosures/organisation"
            element={
              <Permitted permission="members.read">
                <LazyPage>
                  <OrganisationDisclosuresPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/reviews"
            element={
              <Permitted permission="review.perform">
                <LazyPage>
                  <ReviewsPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/reviews/:itemId"
            element={
              <Permitted permission="review.perform">
                <LazyPage>
                  <ReviewPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/review-queue"
            element={
              <Permitted permission="review.manage">
                <LazyPage>
                  <ReviewQueuePage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/publishing"
            element={
              <LazyPage>
                <ChannelsPage />
              </LazyPage>
            }
          />
          <Route
            path="/publishing/fediverse"
            element={
              <LazyPage>
                <FediversePage />
              </LazyPage>
            }
          />
          <Route
            path="/publishing/callback/:channel"
            element={
              <LazyPage>
                <OAuthCallbackPage />
              </LazyPage>
            }
          />
          <Route
            path="/analytics"
            element={
              <Permitted permission="analytics.read">
                <LazyPage>
                  <ResearchPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/members"
            element={
              <Permitted permission="members.read">
                <MembersPage />
              </Permitted>
            }
          />
          <Route
            path="/audit"
            element={
              <Permitted permission="audit.read">
                <AuditPage />
              </Permitted>
            }
          />
          {/* Every member may read the settings; only admins change them. */}
          <Route
            path="/settings"
            element={
              <LazyPage>
                <SettingsPage />
              </LazyPage>
            }
          />
          <Route
            path="/settings/training"
            element={
              <Permitted permission="organisation.manage">
                <LazyPage>
                  <TrainingAdminPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/engagement"
            element={
              <Permitted permission="analytics.read">
                <LazyPage>
                  <EngagementPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/surveys"
            element={
              <Permitted permission="analytics.read">
                <LazyPage>
                  <SurveysPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/surveys/new"
            element={
              <Permitted permission="analytics.manage">
                <LazyPage>
                  <NewSurveyPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/surveys/:surveyId"
            element={
              <Permitted permission="analytics.read">
                <LazyPage>
                  <SurveyPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/settings/learning-records"
            element={
              <Permitted permission="organisation.manage">
                <LazyPage>
                  <LrsClientsPage />
                </LazyPage>
              </Permitted>
            }
          />
          <Route
            path="/settings/screening"
            element={
              <Permitted permission="screening.use">
                <LazyPage>
                  <ScreeningPolicyPage />
                </LazyPage>
              </Permitted>
            }
          />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  )
}
